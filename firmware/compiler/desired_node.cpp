#include "compiler/desired_node.h"

#include <algorithm>
#include <optional>
#include <set>

namespace nodeplane::compiler {

namespace {
// Taint the cluster autoscaler puts on a node it is about to remove
// (k8s.io/autoscaler, ToBeDeletedTaint); kube-proxy's healthz reads it too.
constexpr const char* kToBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";

// Prefixes of one family overlap when the shorter contains the other.
bool overlaps(const IpPrefix& a, const IpPrefix& b) {
    return a.length <= b.length ? a.contains(b.address) : b.contains(a.address);
}

std::optional<IpAddress> firstIpv4(const std::vector<IpAddress>& addresses) {
    for (const auto& address : addresses)
        if (address.isV4()) return address;
    return std::nullopt;
}

// Why routing `cidr` of another node through `gateway` would take traffic that
// belongs to this node, or could not work; empty when it is safe to route.
std::string conflictOf(const IpPrefix& cidr, const IpAddress& gateway, const state::Node* self,
                       const std::vector<LocalEndpoint>& localEndpoints, const std::vector<NodeRoute>& routed) {
    if (self) {
        for (const auto& ours : self->podCIDRs)
            if (overlaps(cidr, ours)) return "it overlaps this node's podCIDR " + ours.toString();
        for (const auto& address : self->addresses) {
            if (cidr.contains(address)) return "it contains this node's address " + address.toString();
            if (address == gateway) return "the node's address " + gateway.toString() + " is this node's own";
        }
    }
    // A /32 pod route would still win by prefix length, but a podCIDR holding
    // one of our pods means the state is wrong, and guessing is worse.
    for (const auto& ep : localEndpoints)
        if (cidr.contains(ep.ip)) return "it contains this node's pod " + ep.pod + " (" + ep.ip.toString() + ")";
    if (cidr.contains(gateway))
        return "it contains the node's own address " + gateway.toString() + ", its gateway";
    for (const auto& route : routed)
        if (overlaps(cidr, route.podCIDR))
            return "it overlaps podCIDR " + route.podCIDR.toString() + " of node '" + route.node + "'";
    return {};
}

}  // namespace

std::uint32_t EndpointIdAllocator::idFor(const std::string& podKey) {
    auto it = ids_.find(podKey);
    if (it != ids_.end()) return it->second;
    std::uint32_t id = next_++;
    if (next_ == 0) next_ = 1;  // 0 means "no endpoint" in the datapath
    ids_.emplace(podKey, id);
    return id;
}

void EndpointIdAllocator::seed(const std::string& podKey, std::uint32_t id) {
    if (id == 0) return;  // "no endpoint": never a pod's
    ids_[podKey] = id;
    skipPast(id);
}

void EndpointIdAllocator::skipPast(std::uint32_t id) {
    // Only forward: ids handed out since stay behind next_ too.
    if (id >= next_) next_ = id + 1 == 0 ? 1 : id + 1;
}

void EndpointIdAllocator::retain(const std::vector<std::string>& live) {
    std::set<std::string> keep(live.begin(), live.end());
    std::erase_if(ids_, [&](const auto& kv) { return !keep.contains(kv.first); });
}

bool nodeEligible(const state::Node& node) {
    if (node.deleting) return false;
    return std::none_of(node.taints.begin(), node.taints.end(),
                        [](const state::Taint& t) { return t.key == kToBeDeletedTaint; });
}

std::vector<NodeRoute> planNodeRoutes(const state::Model& model, const std::vector<LocalEndpoint>& localEndpoints,
                                      InputErrors& warnings) {
    const state::Node* self = model.thisNode();
    std::vector<const state::Node*> others;
    for (const auto& node : model.nodes)
        if (node.name != model.node) others.push_back(&node);
    // Name order makes the winner of an overlap the same on every node and
    // every reload, whatever order the snapshot lists nodes in.
    std::sort(others.begin(), others.end(), [](const state::Node* a, const state::Node* b) { return a->name < b->name; });

    std::vector<NodeRoute> routes;
    for (const state::Node* node : others) {
        auto gateway = firstIpv4(node->addresses);
        for (const auto& cidr : node->podCIDRs) {
            if (!cidr.address.isV4()) continue;
            std::string why = gateway ? conflictOf(cidr, *gateway, self, localEndpoints, routes)
                                      : std::string("the node has no IPv4 address");
            if (!why.empty()) {
                warnings.push_back(InputError{node->where.file, node->where.line, node->where.column,
                                              "Node " + node->name, "podCIDRs",
                                              "podCIDR " + cidr.toString() + " is not routed: " + why + ", ignoring"});
                continue;
            }
            routes.push_back(NodeRoute{cidr, *gateway, node->name});
        }
    }
    std::sort(routes.begin(), routes.end(),
              [](const NodeRoute& a, const NodeRoute& b) { return a.podCIDR < b.podCIDR; });
    return routes;
}

CompileResult compileNode(const state::Model& model, const Limits& limits, EndpointIdAllocator& ids) {
    CompileResult result;
    DesiredNode& desired = result.desired;
    desired.nodeName = model.node;
    if (const auto* self = model.thisNode()) desired.nodeEligible = nodeEligible(*self);

    std::set<std::string> interfaces;
    std::vector<std::string> livePods;
    for (const auto& pod : model.pods) {
        // Only pods attached to this node have a host-side interface; host-network
        // pods share the node's addresses and need no datapath entry.
        if (pod.nodeName != model.node || pod.hostNetwork || !pod.interface) continue;
        std::string key = pod.namespace_ + "/" + pod.name;
        livePods.push_back(key);
        std::uint32_t id = ids.idFor(key);
        interfaces.insert(*pod.interface);
        for (const auto& ip : pod.podIPs) desired.localEndpoints.push_back({ip, *pod.interface, key, id});
    }
    ids.retain(livePods);

    std::sort(desired.localEndpoints.begin(), desired.localEndpoints.end(),
              [](const LocalEndpoint& a, const LocalEndpoint& b) { return a.ip < b.ip; });
    desired.podInterfaces.assign(interfaces.begin(), interfaces.end());
    desired.nodeRoutes = planNodeRoutes(model, desired.localEndpoints, result.warnings);

    if (desired.localEndpoints.size() > limits.maxLocalEndpoints) {
        result.errors.push_back(InputError{
            "", 0, 0, "Node " + model.node, "",
            "the state has " + std::to_string(desired.localEndpoints.size()) +
                " local pod addresses, more than [datapath] max-local-endpoints = " +
                std::to_string(limits.maxLocalEndpoints)});
    }
    return result;
}

}  // namespace nodeplane::compiler
