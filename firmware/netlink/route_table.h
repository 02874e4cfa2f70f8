// The routes this daemon owns in its network namespace: the narrow interface
// reconcilers depend on (fakes in unit tests), and its kernel implementation.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/result.h"
#include "netlink/route.h"
#include "netlink/socket.h"

namespace nodeplane::netlink {

class RouteTable {
public:
    virtual ~RouteTable() = default;
    // Creates the route or overwrites the one of the same key (route_plan.h).
    virtual Status replace(const Route& route) = 0;
    // A route that is already gone counts as removed.
    virtual Status remove(const Route& route) = 0;
    // Every route of our protocol in our table, IPv4 and IPv6.
    virtual Result<std::vector<Route>> listOwned() = 0;
};

class KernelRouteTable final : public RouteTable {
public:
    // Routes are owned by (protocol, table); a route of another protocol or
    // table is refused rather than written where listOwned() cannot see it.
    static Result<KernelRouteTable> open(std::uint8_t protocol = kRouteProtocol, std::uint32_t table = RT_TABLE_MAIN);

    Status replace(const Route& route) override;
    Status remove(const Route& route) override;
    Result<std::vector<Route>> listOwned() override;

private:
    KernelRouteTable(NetlinkSocket socket, std::uint8_t protocol, std::uint32_t table);
    Status checkOwned(const Route& route, const char* verb) const;

    NetlinkSocket socket_;
    std::uint8_t protocol_;
    std::uint32_t table_;
};

// Every route of `family` the kernel holds, in every table.
Result<std::vector<Route>> listRoutes(NetlinkSocket& socket, IpFamily family);

// The interface of the IPv4 default route of the main table (the one of the
// lowest metric; the first next hop of an ECMP route): what `[node]
// external-interfaces` defaults to. nullopt when there is no default route.
Result<std::optional<int>> defaultRouteInterface(NetlinkSocket& socket);

}  // namespace nodeplane::netlink
