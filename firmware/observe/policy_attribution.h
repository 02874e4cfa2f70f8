// Which NetworkPolicies allowed a connection: every policy that selects the
// local pod for the verdict's direction and has a rule allowing that remote,
// protocol and port. The datapath reports only one (the lowest) policy id;
// the policy action log names them all.
//
// Answers come from the policy compiler's own pieces (ClusterView for
// identities and ipBlock classes, resolvePeers/addRuleEntries for rules), run
// once per applied state policy by policy for this node's pods, so they
// agree with what the datapath enforces. A lookup is a few map probes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/ip.h"
#include "observe/flow_event.h"
#include "observe/ip_address_hash.h"
#include "policy/cidr_classes.h"
#include "policy/desired_policy.h"
#include "state/model.h"

namespace nodeplane::observe {

// NetworkPolicy annotation that turns on logging of the connections it
// allows under allow delegation (GKE network policy logging).
inline constexpr const char* kAllowLoggingAnnotation = "policy.network.gke.io/enable-logging";

class PolicyAttribution {
public:
    // For the pods of `model.node` (not hostNetwork, with an address).
    explicit PolicyAttribution(const state::Model& model);

    // The policies that allow `remote` to reach the local pod at `local`
    // (Ingress) or the local pod to reach `remote` (Egress) on `protocol`
    // (IPPROTO_*) and destination port `port` (0 for ICMP and others),
    // sorted by namespace then name. Empty when `local` is no pod of this
    // node or nothing allows it (the [policy] allow-from-host exception is
    // no NetworkPolicy).
    std::vector<PolicyRef> allowingPolicies(const IpAddress& local, PolicyDirection direction,
                                            const IpAddress& remote, std::uint8_t protocol,
                                            std::uint16_t port) const;

    // The policy carries kAllowLoggingAnnotation = "true" (false for one the
    // state does not hold).
    bool loggingEnabled(const PolicyRef& policy) const;

private:
    // Per local pod and direction: each allowed (remote identity, protocol,
    // port prefix) and the policies (indices into policies_, ascending)
    // that allow it, and the port prefix lengths that occur.
    struct DirectionRules {
        std::map<policy::PolicyEntryKey, std::vector<std::uint32_t>> allows;
        std::vector<std::uint8_t> portBits;  // distinct, for the lookup's probes
    };
    using LocalRules = std::array<DirectionRules, 2>;  // by policy::Direction

    struct RemoteIdentities {
        policy::IdentityId identity;
        policy::IdentityId cidrIdentity;
    };
    RemoteIdentities identitiesOf(const IpAddress& remote) const;

    std::vector<PolicyRef> policies_;  // sorted by namespace, name
    std::vector<bool> logging_;        // by index into policies_
    std::vector<LocalRules> locals_;
    std::unordered_map<IpAddress, std::size_t, IpAddressHash> localByAddress_;
    // The ipcache's host entries (pods and nodes) and the ipBlock classes
    // that name every other address.
    std::unordered_map<IpAddress, policy::IpcacheEntry, IpAddressHash> hosts_;
    std::optional<policy::CidrClasses> cidrClasses_;
    std::map<IpPrefix, policy::IdentityId> cidrIds_;
};

}  // namespace nodeplane::observe
