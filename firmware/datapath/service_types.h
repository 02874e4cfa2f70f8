// Plain values the service tables speak: a frontend's key and value, a
// backend, a reverse-NAT target. The daemon's service compiler produces
// these; the tables turn them into the np_services_v1 ... map layouts.
#pragma once

#include <compare>
#include <cstdint>

#include "common/ip.h"

namespace nodeplane::datapath {

// Protocol numbers as IPPROTO_* (what the maps store).
enum class L4Protocol : std::uint8_t { Tcp = 6, Udp = 17, Sctp = 132 };

// np_service_scope: internal frontends answer pods (from_pod), external ones
// traffic from outside the node.
enum class ServiceScope : std::uint8_t { Internal = 0, External = 1 };

// A backend id the daemon allocates: 1 .. 2^31-1 (0 means "none" in the
// datapath), never reused while conntrack may still name it.
using BackendId = std::uint32_t;
inline constexpr BackendId kMaxBackendId = 0x7fffffff;

struct FrontendKey {
    IpAddress address;
    std::uint16_t port = 0;  // host order
    L4Protocol protocol = L4Protocol::Tcp;
    ServiceScope scope = ServiceScope::Internal;

    auto operator<=>(const FrontendKey&) const = default;
};

// np_service_flags, by name.
struct FrontendFlags {
    bool affinity = false;           // sessionAffinity: ClientIP
    bool externalLocal = false;      // externalTrafficPolicy: Local
    bool internalLocal = false;      // internalTrafficPolicy: Local
    bool sourceRanges = false;       // loadBalancerSourceRanges set
    bool rejectWithoutBackend = false;  // no endpoints: REJECT (else DROP)
    bool masquerade = false;         // SNAT to the node needed

    auto operator<=>(const FrontendFlags&) const = default;
};

// What the daemon says about a frontend. The backend set is not here: it
// belongs to the service id and changes through replaceBackendSet().
struct FrontendValue {
    std::uint32_t serviceId = 0;
    std::uint32_t revNatId = 0;
    FrontendFlags flags;
    std::uint32_t affinityTimeoutSeconds = 0;  // sessionAffinityConfig.clientIP.timeoutSeconds

    auto operator<=>(const FrontendValue&) const = default;
};

// A frontend as the map holds it: the daemon's value plus the slot state.
struct FrontendEntry {
    FrontendValue value;
    std::uint32_t backendCount = 0;
    std::uint8_t activeHalf = 0;

    auto operator<=>(const FrontendEntry&) const = default;
};

struct Backend {
    IpAddress address;
    std::uint16_t port = 0;  // host order
    L4Protocol protocol = L4Protocol::Tcp;
    bool local = false;        // a pod on this node
    bool terminating = false;  // serving but terminating

    auto operator<=>(const Backend&) const = default;
};

// What a reply's source is rewritten back to.
struct RevNatTarget {
    IpAddress address;
    std::uint16_t port = 0;  // host order

    auto operator<=>(const RevNatTarget&) const = default;
};

}  // namespace nodeplane::datapath
