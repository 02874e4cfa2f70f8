// Pure planning for route reconciliation: which of our routes to replace and
// which to remove so the kernel's table (as listOwned() reports it) becomes
// the desired set. It encodes the kernel's notion of route identity, which
// differs by family, so reconcilers need not know it.
#pragma once

#include <cstdint>
#include <vector>

#include "netlink/route.h"

namespace nodeplane::netlink {

// The metric the kernel stores when the request gave none: 0 for IPv4, 1024
// (IP6_RT_PRIO_USER) for IPv6.
std::uint32_t effectivePriority(const Route& route);

// Same kernel key: table, destination prefix (with its family) and metric.
// NLM_F_REPLACE overwrites the route of the same key.
bool sameKey(const Route& a, const Route& b);

// Whether `actual`, as listed from the kernel, already is `desired`. IPv6
// routes have no scope (the kernel reports RT_SCOPE_UNIVERSE whatever was
// asked), so scope is compared for IPv4 only; a desired route without a
// device accepts the one the kernel resolved through the gateway.
bool satisfies(const Route& actual, const Route& desired);

struct RoutePlan {
    std::vector<Route> replace;  // apply first: traffic moves before anything goes away
    std::vector<Route> remove;   // then these, exactly as listed
    bool empty() const { return replace.empty() && remove.empty(); }
};

// `desired` holds at most one route per key (a later duplicate wins).
RoutePlan planRoutes(const std::vector<Route>& desired, const std::vector<Route>& actual);

}  // namespace nodeplane::netlink
