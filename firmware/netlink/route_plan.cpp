#include "netlink/route_plan.h"

#include <map>
#include <tuple>

namespace nodeplane::netlink {
namespace {

// IPv6 routes added without a metric get IP6_RT_PRIO_USER.
constexpr std::uint32_t kIpv6DefaultMetric = 1024;

using Key = std::tuple<std::uint32_t, IpPrefix, std::uint32_t>;

Key keyOf(const Route& route) { return {route.table, route.destination, effectivePriority(route)}; }

}  // namespace

std::uint32_t effectivePriority(const Route& route) {
    if (route.priority) return *route.priority;
    return route.destination.address.isV4() ? 0 : kIpv6DefaultMetric;
}

bool sameKey(const Route& a, const Route& b) { return keyOf(a) == keyOf(b); }

bool satisfies(const Route& actual, const Route& desired) {
    if (!sameKey(actual, desired)) return false;
    if (actual.gateway != desired.gateway) return false;
    // Without a device the kernel resolves one through the gateway and lists it.
    if (desired.oif && actual.oif != desired.oif) return false;
    if (actual.protocol != desired.protocol || actual.type != desired.type) return false;
    if (actual.multipath != desired.multipath) return false;
    return !desired.destination.address.isV4() || actual.scope == desired.scope;
}

RoutePlan planRoutes(const std::vector<Route>& desired, const std::vector<Route>& actual) {
    std::map<Key, const Route*> wanted;
    for (const Route& route : desired) wanted[keyOf(route)] = &route;
    std::map<Key, std::vector<const Route*>> present;
    for (const Route& route : actual) present[keyOf(route)].push_back(&route);

    auto anySatisfies = [](const std::vector<const Route*>& routes, const Route& want) {
        for (const Route* route : routes)
            if (satisfies(*route, want)) return true;
        return false;
    };

    RoutePlan plan;
    for (const auto& [key, want] : wanted) {
        auto found = present.find(key);
        if (found == present.end() || !anySatisfies(found->second, *want)) plan.replace.push_back(*want);
    }
    for (const auto& [key, routes] : present) {
        auto want = wanted.find(key);
        if (want == wanted.end()) {
            for (const Route* route : routes) plan.remove.push_back(*route);
            continue;
        }
        // Several routes under one key (an IPv6 key can hold appended next
        // hops) are trimmed only once one of them is right: removing beside a
        // replace could hit the route the replace just wrote, so when none is
        // right the replace goes first and the next pass trims.
        if (routes.size() > 1 && anySatisfies(routes, *want->second))
            for (const Route* route : routes)
                if (!satisfies(*route, *want->second)) plan.remove.push_back(*route);
    }
    return plan;
}

}  // namespace nodeplane::netlink
