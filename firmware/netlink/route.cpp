#include "netlink/route.h"

#include <libmnl/libmnl.h>
#include <sys/socket.h>

#include <cstring>

#include "netlink/message.h"

namespace nodeplane::netlink {
namespace {

int addressFamily(IpFamily family) { return family == IpFamily::V4 ? AF_INET : AF_INET6; }

std::size_t addressBytes(IpFamily family) { return family == IpFamily::V4 ? 4 : 16; }

std::optional<IpAddress> addressFrom(const Attributes& attributes, std::uint16_t type, IpFamily family) {
    auto raw = attributes.bytes(type);
    if (!raw || raw->size() != addressBytes(family)) return std::nullopt;
    IpAddress address;
    address.family = family;
    std::memcpy(address.bytes.data(), raw->data(), raw->size());
    return address;
}

// The first next hop of an RTA_MULTIPATH list: its device and gateway.
void readFirstNexthop(const nlattr& multipath, IpFamily family, Route& route) {
    std::size_t length = mnl_attr_get_payload_len(&multipath);
    const auto* nexthop = static_cast<const rtnexthop*>(mnl_attr_get_payload(&multipath));
    if (length < sizeof(rtnexthop) || nexthop->rtnh_len < sizeof(rtnexthop) || nexthop->rtnh_len > length) return;
    route.multipath = true;
    route.oif = nexthop->rtnh_ifindex;
    // rtnh_len counts the header (8 bytes, already aligned) and its attributes.
    std::size_t attrBytes = nexthop->rtnh_len - RTNH_ALIGN(sizeof(rtnexthop));
    struct Collected {
        const nlattr* gateway = nullptr;
    } collected;
    mnl_attr_parse_payload(
        RTNH_DATA(nexthop), attrBytes,
        [](const nlattr* attribute, void* data) noexcept -> int {
            if (mnl_attr_get_type(attribute) == RTA_GATEWAY) static_cast<Collected*>(data)->gateway = attribute;
            return MNL_CB_OK;
        },
        &collected);
    if (collected.gateway && mnl_attr_get_payload_len(collected.gateway) == addressBytes(family)) {
        IpAddress gateway;
        gateway.family = family;
        std::memcpy(gateway.bytes.data(), mnl_attr_get_payload(collected.gateway), addressBytes(family));
        route.gateway = gateway;
    }
}

}  // namespace

Route Route::toPod(const IpAddress& pod, int hostEndIfindex) {
    Route route;
    route.destination = IpPrefix{pod, pod.bitLength()};
    route.oif = hostEndIfindex;
    route.scope = RouteScope::Link;
    return route;
}

Route Route::via(const IpPrefix& destination, const IpAddress& gateway) {
    Route route;
    route.destination = destination;
    route.gateway = gateway;
    return route;
}

Result<std::vector<std::uint8_t>> buildRouteRequest(RouteOp op, const Route& route) {
    IpFamily family = route.destination.address.family;
    if (route.gateway && route.gateway->family != family)
        return Error::logical("gateway " + route.gateway->toString() + " is not of the family of " +
                              route.destination.toString());

    std::uint16_t type = op == RouteOp::Delete ? RTM_DELROUTE : RTM_NEWROUTE;
    std::uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
    if (op == RouteOp::Replace) flags |= NLM_F_CREATE | NLM_F_REPLACE;
    if (op == RouteOp::Add) flags |= NLM_F_CREATE | NLM_F_EXCL;
    MessageBuilder builder(type, flags);

    rtmsg header{};
    header.rtm_family = static_cast<unsigned char>(addressFamily(family));
    header.rtm_dst_len = static_cast<unsigned char>(route.destination.length);
    // rtm_table has 8 bits; RTA_TABLE below is authoritative for every id.
    header.rtm_table = static_cast<unsigned char>(route.table < 256 ? route.table : RT_TABLE_UNSPEC);
    header.rtm_protocol = route.protocol;
    // Deleting with RT_SCOPE_NOWHERE matches any scope, as `ip route del` does;
    // the protocol still has to match, which keeps others' routes safe.
    header.rtm_scope = op == RouteOp::Delete ? static_cast<unsigned char>(RT_SCOPE_NOWHERE)
                                             : static_cast<unsigned char>(route.scope);
    header.rtm_type = route.type;
    builder.putHeader(header);

    if (route.destination.length > 0)
        builder.put(RTA_DST, route.destination.address.bytes.data(), addressBytes(family));
    if (route.gateway) builder.put(RTA_GATEWAY, route.gateway->bytes.data(), addressBytes(family));
    if (route.oif) builder.putU32(RTA_OIF, static_cast<std::uint32_t>(*route.oif));
    if (route.priority) builder.putU32(RTA_PRIORITY, *route.priority);
    builder.putU32(RTA_TABLE, route.table);
    return std::move(builder).take();
}

std::vector<std::uint8_t> buildRouteDump(IpFamily family) {
    MessageBuilder builder(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
    rtmsg header{};
    header.rtm_family = static_cast<unsigned char>(addressFamily(family));
    builder.putHeader(header);
    return std::move(builder).take();
}

std::optional<Route> parseRouteMessage(const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWROUTE && message.nlmsg_type != RTM_DELROUTE) return std::nullopt;
    const auto* header = familyHeader<rtmsg>(message);
    if (!header || (header->rtm_family != AF_INET && header->rtm_family != AF_INET6)) return std::nullopt;
    if (header->rtm_flags & RTM_F_CLONED) return std::nullopt;
    IpFamily family = header->rtm_family == AF_INET ? IpFamily::V4 : IpFamily::V6;

    auto attributes = Attributes::ofMessage(message, sizeof(rtmsg), RTA_MAX);
    Route route;
    route.destination.address.family = family;
    route.destination.length = header->rtm_dst_len;
    if (route.destination.length > route.destination.address.bitLength()) return std::nullopt;
    if (attributes.has(RTA_DST)) {
        auto destination = addressFrom(attributes, RTA_DST, family);
        if (!destination) return std::nullopt;
        route.destination.address = *destination;
    }
    if (attributes.has(RTA_GATEWAY)) {
        route.gateway = addressFrom(attributes, RTA_GATEWAY, family);
        if (!route.gateway) return std::nullopt;
    }
    if (auto oif = attributes.u32(RTA_OIF)) route.oif = static_cast<int>(*oif);
    if (const nlattr* multipath = attributes.get(RTA_MULTIPATH); multipath && !route.oif)
        readFirstNexthop(*multipath, family, route);
    route.scope = static_cast<RouteScope>(header->rtm_scope);
    route.protocol = header->rtm_protocol;
    route.table = attributes.u32(RTA_TABLE).value_or(header->rtm_table);
    route.type = header->rtm_type;
    route.priority = attributes.u32(RTA_PRIORITY);
    return route;
}

std::string describe(const Route& route) {
    std::string out = route.destination.toString();
    if (route.gateway) out += " via " + route.gateway->toString();
    if (route.oif) out += " dev " + std::to_string(*route.oif);
    switch (route.scope) {
        case RouteScope::Universe: break;
        case RouteScope::Link: out += " scope link"; break;
        case RouteScope::Host: out += " scope host"; break;
        default: out += " scope " + std::to_string(static_cast<int>(route.scope)); break;
    }
    if (route.priority) out += " metric " + std::to_string(*route.priority);
    out += " proto " + std::to_string(route.protocol) + " table " + std::to_string(route.table);
    return out;
}

}  // namespace nodeplane::netlink
