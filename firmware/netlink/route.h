// Routes as plain values, their rtnetlink requests (built as bytes, apart
// from any socket) and the parser for RTM_NEWROUTE answers.
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::netlink {

// The rtm_protocol that marks routes as ours, so that after a restart the
// daemon lists and reconciles exactly its own routes and never an operator's
// or another agent's. 0..4 are the kernel's own (unspec, redirect, kernel,
// boot, static); iproute2's rt_protos and <linux/rtnetlink.h> name 8..18, 42,
// 99 and 186..192; 80 is used by Calico. 0xa7 (167) is in none of them.
// Shipping "167 nodeplane" in /etc/iproute2/rt_protos.d/ makes
// `ip route show proto nodeplane` work.
inline constexpr std::uint8_t kRouteProtocol = 0xa7;

enum class RouteScope : std::uint8_t {
    Universe = RT_SCOPE_UNIVERSE,  // reached through a gateway, or anywhere
    Link = RT_SCOPE_LINK,          // directly on the link: pod host routes
    Host = RT_SCOPE_HOST,
};

struct Route {
    IpPrefix destination;
    std::optional<IpAddress> gateway;  // "via"; same family as destination
    std::optional<int> oif;            // "dev"; ifindex
    RouteScope scope = RouteScope::Universe;
    std::uint8_t protocol = kRouteProtocol;
    std::uint32_t table = RT_TABLE_MAIN;
    std::uint8_t type = RTN_UNICAST;
    // The metric. Absent in a request: the kernel's default, 0 for IPv4 and
    // 1024 for IPv6; a parsed IPv6 route therefore reports 1024.
    std::optional<std::uint32_t> priority;
    // Set by the parser for an ECMP route; gateway and oif then describe its
    // first next hop only. Requests never carry several next hops.
    bool multipath = false;

    // "<podIP>/32 dev <hostEnd> scope link" (/128 for IPv6), tagged as ours.
    static Route toPod(const IpAddress& pod, int hostEndIfindex);
    // "<prefix> via <gateway>", tagged as ours: native routing to another
    // node's podCIDR through its node address.
    static Route via(const IpPrefix& destination, const IpAddress& gateway);

    bool operator==(const Route&) const = default;
};

enum class RouteOp : std::uint8_t {
    Replace,  // NLM_F_CREATE | NLM_F_REPLACE: create or overwrite, idempotent
    Add,      // NLM_F_CREATE | NLM_F_EXCL: EEXIST when a route of that key exists
    Delete,   // matches our protocol, so a same-prefix route of others survives
};

// RTM_NEWROUTE / RTM_DELROUTE with NLM_F_ACK. A logical error when the gateway's
// family differs from the destination's.
Result<std::vector<std::uint8_t>> buildRouteRequest(RouteOp op, const Route& route);

// RTM_GETROUTE dump of one family (every table; the caller filters).
std::vector<std::uint8_t> buildRouteDump(IpFamily family);

// RTM_NEWROUTE / RTM_DELROUTE of AF_INET or AF_INET6. nullopt for other
// families, for malformed messages, and for cached clones (RTM_F_CLONED: the
// IPv6 route cache, not routes anyone installed).
std::optional<Route> parseRouteMessage(const nlmsghdr& message);

// "10.244.1.5/32 dev 7 scope link proto 167 table 254"
std::string describe(const Route& route);

}  // namespace nodeplane::netlink
