#include "policy/policy_compiler.h"

#include <algorithm>

#include "policy/cluster_view.h"
#include "policy/label_selector.h"
#include "policy/rule_compiler.h"

namespace nodeplane::policy {

namespace {

struct LocalPod {
    const state::Pod* pod = nullptr;
    EndpointPolicy* policy = nullptr;
};

bool hasType(const state::NetworkPolicy& p, state::PolicyType type) {
    return std::ranges::find(p.policyTypes, type) != p.policyTypes.end();
}

void addRules(const state::NetworkPolicy& policy, const std::vector<state::PolicyRule>& rules, Direction direction,
              const std::vector<LocalPod>& selected, const ClusterView& view, std::uint32_t policyId) {
    for (const auto& rule : rules) {
        auto remotes = resolvePeers(policy, rule, view);
        for (const auto& local : selected)
            addRuleEntries(rule, remotes, direction, *local.pod, view, policyId, local.policy->allows);
    }
}

}  // namespace

DesiredPolicy compilePolicy(const state::Model& model, const std::vector<compiler::LocalEndpoint>& localEndpoints,
                            const PolicyOptions& options, PolicyIds& ids) {
    DesiredPolicy out;
    ClusterView view(model, ids);
    view.exportTo(out);

    // One endpoint per local pod (a dual-stack pod has one id for both addresses).
    std::map<std::string, std::uint32_t> endpointOfPod;
    for (const auto& ep : localEndpoints) endpointOfPod.emplace(ep.pod, ep.endpointId);
    std::map<std::uint32_t, EndpointPolicy> byEndpoint;
    // By namespace: a policy selects only pods of its own namespace, so each
    // of 10,000 policies looks at a pod or two, not at every local pod.
    std::map<std::string, std::vector<LocalPod>, std::less<>> localPods;
    std::string podKey;
    for (std::size_t podAt = 0; podAt < model.pods.size(); ++podAt) {
        const state::Pod& pod = model.pods[podAt];
        podKey.assign(pod.namespace_).append("/").append(pod.name);
        auto it = endpointOfPod.find(podKey);
        if (it == endpointOfPod.end()) continue;
        auto& ep = byEndpoint[it->second];
        ep.endpointId = it->second;
        ep.pod = it->first;
        ep.identity = view.identityOfPod(podAt);
        localPods[pod.namespace_].push_back(LocalPod{&pod, &ep});
    }

    std::set<std::string> livePolicies;
    for (const auto& policy : model.networkPolicies) {
        std::string key = policy.namespace_ + "/" + policy.name;
        std::uint32_t id = ids.policies.idFor(key);
        livePolicies.insert(key);
        std::vector<LocalPod> selected;
        if (auto here = localPods.find(policy.namespace_); here != localPods.end())
            for (const auto& local : here->second)
                if (selects(policy.podSelector, local.pod->labels)) selected.push_back(local);
        if (selected.empty()) continue;  // enforced on other nodes, not here
        out.policies[id] = key;
        if (hasType(policy, state::PolicyType::Ingress)) {
            for (auto& local : selected) {
                local.policy->ingressIsolated = true;
                local.policy->ingressPolicies.push_back(key);
            }
            addRules(policy, policy.ingress, Direction::Ingress, selected, view, id);
        }
        if (hasType(policy, state::PolicyType::Egress)) {
            for (auto& local : selected) {
                local.policy->egressIsolated = true;
                local.policy->egressPolicies.push_back(key);
            }
            addRules(policy, policy.egress, Direction::Egress, selected, view, id);
        }
    }
    ids.policies.retain(livePolicies);

    for (auto& [id, ep] : byEndpoint) {
        if (options.allowFromHost && ep.ingressIsolated)
            ep.allows.try_emplace(PolicyEntryKey{kIdentityHost, Direction::Ingress, kAnyProtocol, kAnyPort},
                                  kPolicyIdHostAllow);
        std::ranges::sort(ep.ingressPolicies);
        std::ranges::sort(ep.egressPolicies);
        out.endpoints.push_back(std::move(ep));
    }
    return out;
}

}  // namespace nodeplane::policy
