#include "state/cross_validator.h"

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace nodeplane::state {
namespace {

std::string where(const SourceLocation& at) {
    return at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column);
}

void checkNodeSetting(ParsedSnapshot& parsed, const std::string& input, InputErrors& errors) {
    if (parsed.nodeSettings.empty()) {
        errors.push_back(InputError{input, 0, 0, "", "node", "required: the node this snapshot is applied on"});
        return;
    }
    const NodeSetting& first = parsed.nodeSettings.front();
    for (std::size_t i = 1; i < parsed.nodeSettings.size(); ++i) {
        const NodeSetting& other = parsed.nodeSettings[i];
        if (other.name != first.name)
            errors.push_back(other.site.error("'" + other.name + "' differs from '" + first.name + "' set at " +
                                              where(first.site.at)));
    }
    parsed.model.node = first.name;
    if (!parsed.model.thisNode())
        errors.push_back(first.site.error("'" + first.name + "' is not the name of any [[nodes]] entry"));
}

std::string conflictMessage(const Claim& claim, const Claim& first) {
    std::string holder = first.site.object + " (" + where(first.site.at) + ")";
    switch (claim.kind) {
        case Claim::Kind::Object: return "defined twice; the first is at " + where(first.site.at);
        case Claim::Kind::PodIp: return claim.value + " is already the IP of " + holder;
        case Claim::Kind::Interface: return "'" + claim.value + "' is already the interface of " + holder;
        case Claim::Kind::ClusterIp: return claim.value + " is already a cluster IP of " + holder;
        case Claim::Kind::NodePort: return "node port " + claim.value + " is already used by " + holder;
    }
    return "";
}

// Hashed, not ordered: every reload checks the whole snapshot's claims (three
// per service at 10,000 services), and errors follow the claims' own order.
struct ClaimHash {
    std::size_t operator()(const std::pair<Claim::Kind, std::string_view>& c) const noexcept {
        return std::hash<std::string_view>{}(c.second) * 31 + static_cast<std::size_t>(c.first);
    }
};

void checkClaims(const ParsedSnapshot& parsed, InputErrors& errors) {
    std::unordered_map<std::pair<Claim::Kind, std::string_view>, const Claim*, ClaimHash> holders;
    holders.reserve(parsed.claims.size());
    for (const Claim& claim : parsed.claims) {
        auto [it, fresh] = holders.emplace(std::pair(claim.kind, std::string_view(claim.value)), &claim);
        if (!fresh) errors.push_back(claim.site.error(conflictMessage(claim, *it->second)));
    }
}

std::string qualified(const std::string& namespace_, const std::string& name) { return namespace_ + "/" + name; }

void checkReferences(const ParsedSnapshot& parsed, InputErrors& errors) {
    const Model& model = parsed.model;
    std::unordered_set<std::string> nodes, namespaces, services, pods;
    services.reserve(model.services.size());
    pods.reserve(model.pods.size());
    for (const auto& n : model.nodes) nodes.insert(n.name);
    for (const auto& n : model.namespaces) namespaces.insert(n.name);
    for (const auto& s : model.services) services.insert(qualified(s.namespace_, s.name));
    for (const auto& p : model.pods) pods.insert(qualified(p.namespace_, p.name));

    for (const Reference& ref : parsed.references) {
        switch (ref.target) {
            case Reference::Target::Node:
                if (!nodes.count(ref.name))
                    errors.push_back(ref.site.error("node '" + ref.name + "' is not one of [[nodes]]"));
                break;
            case Reference::Target::Namespace:
                // Listing namespaces is optional (they matter for namespace
                // selectors); once any are listed, every object's must be.
                if (!namespaces.empty() && !namespaces.count(ref.name))
                    errors.push_back(ref.site.error("namespace '" + ref.name + "' is not one of [[namespaces]]"));
                break;
            case Reference::Target::Service:
                if (!services.count(qualified(ref.namespace_, ref.name)))
                    errors.push_back(ref.site.error("Service " + qualified(ref.namespace_, ref.name) +
                                                    " is not one of [[services]]"));
                break;
            case Reference::Target::Pod:
                if (!pods.count(qualified(ref.namespace_, ref.name)))
                    errors.push_back(
                        ref.site.error("Pod " + qualified(ref.namespace_, ref.name) + " is not one of [[pods]]"));
                break;
            case Reference::Target::ThisNode:
                // Without a valid `node` that error is already reported.
                if (model.thisNode() && ref.name != model.node)
                    errors.push_back(ref.site.error("only a pod on this node ('" + model.node + "') has an interface; " +
                                                    (ref.name.empty() ? std::string("this pod has no nodeName")
                                                                      : "its nodeName is '" + ref.name + "'")));
                break;
        }
    }
}

}  // namespace

void validateSnapshot(ParsedSnapshot& parsed, const std::string& input, InputErrors& errors,
                      const ValidationIndex* index) {
    checkNodeSetting(parsed, input, errors);
    if (index && index->clean(parsed.model.node)) return;
    checkClaims(parsed, errors);
    checkReferences(parsed, errors);
}

}  // namespace nodeplane::state
