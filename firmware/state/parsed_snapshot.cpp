#include "state/parsed_snapshot.h"

#include <iterator>

namespace nodeplane::state {
namespace {

template <typename T>
void moveAppend(std::vector<T>& to, std::vector<T>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

template <typename T>
void moveShare(std::vector<T>& from, std::size_t& offset, std::size_t count, std::vector<T>& to) {
    auto first = from.begin() + static_cast<std::ptrdiff_t>(offset);
    to.assign(std::make_move_iterator(first), std::make_move_iterator(first + static_cast<std::ptrdiff_t>(count)));
    offset += count;
}

template <typename T>
void replaceRange(std::vector<T>& v, std::size_t at, std::size_t count, std::vector<T>& with) {
    auto first = v.begin() + static_cast<std::ptrdiff_t>(at);
    if (count == with.size()) {
        std::move(with.begin(), with.end(), first);
        return;
    }
    first = v.erase(first, first + static_cast<std::ptrdiff_t>(count));
    v.insert(first, std::make_move_iterator(with.begin()), std::make_move_iterator(with.end()));
}

}  // namespace

void ParsedSnapshot::replaceShare(const Sizes& at, const Sizes& count, ParsedSnapshot&& with) {
    replaceRange(model.nodes, at.nodes, count.nodes, with.model.nodes);
    replaceRange(model.namespaces, at.namespaces, count.namespaces, with.model.namespaces);
    replaceRange(model.pods, at.pods, count.pods, with.model.pods);
    replaceRange(model.services, at.services, count.services, with.model.services);
    replaceRange(model.endpointSlices, at.endpointSlices, count.endpointSlices, with.model.endpointSlices);
    replaceRange(model.networkPolicies, at.networkPolicies, count.networkPolicies, with.model.networkPolicies);
    replaceRange(nodeSettings, at.nodeSettings, count.nodeSettings, with.nodeSettings);
    replaceRange(references, at.references, count.references, with.references);
    replaceRange(claims, at.claims, count.claims, with.claims);
}

ParsedSnapshot::Sizes ParsedSnapshot::sizes() const {
    return {model.nodes.size(),        model.namespaces.size(),     model.pods.size(),
            model.services.size(),     model.endpointSlices.size(), model.networkPolicies.size(),
            nodeSettings.size(),       references.size(),           claims.size()};
}

ParsedSnapshot ParsedSnapshot::takeShare(Sizes& from, const Sizes& count) {
    ParsedSnapshot out;
    moveShare(model.nodes, from.nodes, count.nodes, out.model.nodes);
    moveShare(model.namespaces, from.namespaces, count.namespaces, out.model.namespaces);
    moveShare(model.pods, from.pods, count.pods, out.model.pods);
    moveShare(model.services, from.services, count.services, out.model.services);
    moveShare(model.endpointSlices, from.endpointSlices, count.endpointSlices, out.model.endpointSlices);
    moveShare(model.networkPolicies, from.networkPolicies, count.networkPolicies, out.model.networkPolicies);
    moveShare(nodeSettings, from.nodeSettings, count.nodeSettings, out.nodeSettings);
    moveShare(references, from.references, count.references, out.references);
    moveShare(claims, from.claims, count.claims, out.claims);
    return out;
}

void ParsedSnapshot::append(ParsedSnapshot&& other) {
    moveAppend(model.nodes, other.model.nodes);
    moveAppend(model.namespaces, other.model.namespaces);
    moveAppend(model.pods, other.model.pods);
    moveAppend(model.services, other.model.services);
    moveAppend(model.endpointSlices, other.model.endpointSlices);
    moveAppend(model.networkPolicies, other.model.networkPolicies);
    moveAppend(nodeSettings, other.nodeSettings);
    moveAppend(references, other.references);
    moveAppend(claims, other.claims);
    incomplete = incomplete || other.incomplete;
}

}  // namespace nodeplane::state
