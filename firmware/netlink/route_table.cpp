#include "netlink/route_table.h"

#include "netlink/route_plan.h"

namespace nodeplane::netlink {

KernelRouteTable::KernelRouteTable(NetlinkSocket socket, std::uint8_t protocol, std::uint32_t table)
    : socket_(std::move(socket)), protocol_(protocol), table_(table) {}

Result<KernelRouteTable> KernelRouteTable::open(std::uint8_t protocol, std::uint32_t table) {
    auto socket = NetlinkSocket::open(NETLINK_ROUTE);
    if (!socket) return socket.error();
    return KernelRouteTable(std::move(socket).value(), protocol, table);
}

Status KernelRouteTable::checkOwned(const Route& route, const char* verb) const {
    if (route.protocol == protocol_ && route.table == table_) return {};
    return Error::logical(std::string("Failed to ") + verb + " route " + describe(route) + ": not of protocol " +
                          std::to_string(protocol_) + " in table " + std::to_string(table_));
}

Status KernelRouteTable::replace(const Route& route) {
    if (auto owned = checkOwned(route, "replace"); !owned) return owned;
    auto request = buildRouteRequest(RouteOp::Replace, route);
    if (!request) return Error::logical("Failed to replace route " + describe(route) + ": " + request.error().message);
    if (auto done = socket_.request(std::move(request).value()); !done)
        return Error{done.error().errnum, "Failed to replace route " + describe(route) + ": " + done.error().message};
    return {};
}

Status KernelRouteTable::remove(const Route& route) {
    if (auto owned = checkOwned(route, "remove"); !owned) return owned;
    auto request = buildRouteRequest(RouteOp::Delete, route);
    if (!request) return Error::logical("Failed to remove route " + describe(route) + ": " + request.error().message);
    auto done = socket_.request(std::move(request).value());
    if (done) return {};
    // Already gone: IPv4 answers ESRCH, IPv6 ENOENT; ENODEV when the device
    // went away, which took its routes with it.
    int errnum = done.error().errnum;
    if (errnum == ESRCH || errnum == ENOENT || errnum == ENODEV) return {};
    return Error{errnum, "Failed to remove route " + describe(route) + ": " + done.error().message};
}

Result<std::vector<Route>> KernelRouteTable::listOwned() {
    std::vector<Route> owned;
    for (IpFamily family : {IpFamily::V4, IpFamily::V6}) {
        auto routes = listRoutes(socket_, family);
        if (!routes) return routes.error();
        for (Route& route : *routes)
            if (route.protocol == protocol_ && route.table == table_) owned.push_back(std::move(route));
    }
    return owned;
}

Result<std::vector<Route>> listRoutes(NetlinkSocket& socket, IpFamily family) {
    auto routes = socket.dumpAll<Route>(buildRouteDump(family), parseRouteMessage);
    if (!routes)
        return Error{routes.error().errnum,
                     std::string("Failed to list IPv") + (family == IpFamily::V4 ? "4" : "6") +
                         " routes: " + routes.error().message};
    return routes;
}

Result<std::optional<int>> defaultRouteInterface(NetlinkSocket& socket) {
    auto routes = listRoutes(socket, IpFamily::V4);
    if (!routes) return routes.error();
    const Route* best = nullptr;
    for (const Route& route : *routes) {
        if (route.table != RT_TABLE_MAIN || route.type != RTN_UNICAST || route.destination.length != 0 || !route.oif)
            continue;
        if (!best || effectivePriority(route) < effectivePriority(*best)) best = &route;
    }
    return best ? std::optional<int>(*best->oif) : std::nullopt;
}

}  // namespace nodeplane::netlink
