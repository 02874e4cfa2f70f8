// One NetworkPolicy rule, for one selected local pod, as policy entries: the
// rule's peers become remote identities, its ports protocol and port
// prefixes. Named ports resolve against the destination pod's container
// ports: the local pod for ingress, the remote pods (their identity's or
// ipBlock class's pods, union) for egress.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "policy/cluster_view.h"
#include "policy/desired_policy.h"
#include "state/model.h"

namespace nodeplane::policy {

// The remotes a rule's peers select, resolved once per rule.
struct RuleRemotes {
    bool any = false;                          // no peers: every remote
    std::vector<const PodIdentity*> pods;      // podSelector / namespaceSelector peers
    std::vector<const CidrIdentity*> cidrs;    // ipBlock peers
};

RuleRemotes resolvePeers(const state::NetworkPolicy& policy, const state::PolicyRule& rule, const ClusterView& view);

// Adds the rule's entries for `localPod` (which the policy selects) to
// `allows`, keeping the lowest policy id per entry.
void addRuleEntries(const state::PolicyRule& rule, const RuleRemotes& remotes, Direction direction,
                    const state::Pod& localPod, const ClusterView& view, std::uint32_t policyId,
                    std::map<PolicyEntryKey, std::uint32_t>& allows);

std::uint8_t wireProtocol(state::Protocol protocol);

}  // namespace nodeplane::policy
