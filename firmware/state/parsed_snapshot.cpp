#include "state/parsed_snapshot.h"

#include <iterator>

namespace nodeplane::state {
namespace {

template <typename T>
void moveAppend(std::vector<T>& to, std::vector<T>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

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
