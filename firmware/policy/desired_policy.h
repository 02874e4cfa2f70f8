// What the policy compiler produces: the identities, the address-to-identity
// map (ipcache) and, for every local endpoint, whether it is isolated in each
// direction and the (remote identity, protocol, port prefix) entries its
// policies allow. Plain values in a deterministic order, so a reconciler can
// diff two generations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/ip.h"
#include "policy/identity.h"
#include "policy/port_ranges.h"

namespace nodeplane::policy {

enum class Direction : std::uint8_t { Ingress, Egress };

// Policy ids name the policy a verdict came from in logs and events.
inline constexpr std::uint32_t kPolicyIdNone = 0;       // default deny
inline constexpr std::uint32_t kPolicyIdHostAllow = 1;  // [policy] allow-from-host
inline constexpr std::uint32_t kFirstPolicyId = 16;

// Protocol numbers as on the wire (IPPROTO_*); 0 in an entry is every protocol
// (a rule without `ports`).
inline constexpr std::uint8_t kAnyProtocol = 0;

struct PolicyEntryKey {
    IdentityId remote = kIdentityAny;
    Direction direction = Direction::Ingress;
    std::uint8_t protocol = kAnyProtocol;
    PortPrefix port = kAnyPort;

    auto operator<=>(const PolicyEntryKey&) const = default;
};

struct EndpointPolicy {
    std::uint32_t endpointId = 0;
    std::string pod;  // "namespace/name"
    IdentityId identity = kIdentityAny;  // the pod's own
    bool ingressIsolated = false;
    bool egressIsolated = false;
    std::vector<std::string> ingressPolicies;  // "namespace/name" of the policies that isolate it
    std::vector<std::string> egressPolicies;
    // What is allowed, each with the lowest id of the policies that allow it.
    std::map<PolicyEntryKey, std::uint32_t> allows;

    bool operator==(const EndpointPolicy&) const = default;
};

struct IpcacheEntry {
    IdentityId identity = kIdentityWorld;
    IdentityId cidrIdentity = kIdentityAny;  // the address's ipBlock class, if any

    bool operator==(const IpcacheEntry&) const = default;
};

struct DesiredPolicy {
    std::map<IdentityId, Identity> identities;
    std::map<IpPrefix, IpcacheEntry> ipcache;
    std::vector<EndpointPolicy> endpoints;  // sorted by endpointId
    std::map<std::uint32_t, std::string> policies;  // id -> "namespace/name"

    bool operator==(const DesiredPolicy&) const = default;
};

}  // namespace nodeplane::policy
