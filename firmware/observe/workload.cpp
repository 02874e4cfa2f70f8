#include "observe/workload.h"

#include <string_view>

namespace nodeplane::observe {

namespace {

// Label the Deployment controller puts on its ReplicaSets' pods and appends
// to the ReplicaSet's name (apps/v1 DefaultDeploymentUniqueLabelKey).
constexpr std::string_view kPodTemplateHashLabel = "pod-template-hash";

const state::OwnerReference* controllerOf(const state::Pod& pod) {
    for (const auto& ref : pod.ownerReferences)
        if (ref.controller.value_or(false)) return &ref;
    if (pod.ownerReferences.size() == 1 && !pod.ownerReferences.front().controller)
        return &pod.ownerReferences.front();
    return nullptr;
}

// "<deployment>-<hash>" -> "<deployment>", empty when the name does not end so.
std::string_view deploymentOf(std::string_view replicaSet, std::string_view hash) {
    if (hash.empty() || replicaSet.size() < hash.size() + 2) return {};
    if (!replicaSet.ends_with(hash)) return {};
    std::string_view rest = replicaSet.substr(0, replicaSet.size() - hash.size());
    if (!rest.ends_with('-')) return {};
    return rest.substr(0, rest.size() - 1);
}

}  // namespace

Workload workloadOf(const state::Pod& pod) {
    const state::OwnerReference* owner = controllerOf(pod);
    if (!owner) return {};
    if (owner->kind == "ReplicaSet") {
        auto hash = pod.labels.find(std::string(kPodTemplateHashLabel));
        if (hash != pod.labels.end()) {
            std::string_view deployment = deploymentOf(owner->name, hash->second);
            if (!deployment.empty()) return Workload{"Deployment", std::string(deployment)};
        }
    }
    return Workload{owner->kind, owner->name};
}

}  // namespace nodeplane::observe
