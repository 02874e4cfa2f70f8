#include "compiler/desired_node.h"

#include <algorithm>
#include <set>

namespace nodeplane::compiler {

namespace {
// Taint the cluster autoscaler puts on a node it is about to remove
// (k8s.io/autoscaler, ToBeDeletedTaint); kube-proxy's healthz reads it too.
constexpr const char* kToBeDeletedTaint = "ToBeDeletedByClusterAutoscaler";
}  // namespace

std::uint32_t EndpointIdAllocator::idFor(const std::string& podKey) {
    auto it = ids_.find(podKey);
    if (it != ids_.end()) return it->second;
    std::uint32_t id = next_++;
    if (next_ == 0) next_ = 1;  // 0 means "no endpoint" in the datapath
    ids_.emplace(podKey, id);
    return id;
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
