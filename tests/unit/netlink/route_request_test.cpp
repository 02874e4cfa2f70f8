// Route requests checked byte by byte: header flags, rtmsg fields and every
// attribute, decoded with libmnl independently of the builder.
#include <CppUTest/TestHarness.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/route.h"
#include "test_messages.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using nodeplane::netlink::test::bytesOf;
using nodeplane::netlink::test::decode;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

const nlmsghdr& headerOf(const std::vector<std::uint8_t>& bytes) {
    return *reinterpret_cast<const nlmsghdr*>(bytes.data());
}
const rtmsg& rtmsgOf(const std::vector<std::uint8_t>& bytes) {
    return *reinterpret_cast<const rtmsg*>(bytes.data() + NLMSG_HDRLEN);
}

}  // namespace

TEST_GROUP(RouteRequest) {};

TEST(RouteRequest, ReplaceOfIpv4PodRouteCarriesDeviceScopeAndOurProtocol) {
    auto bytes = buildRouteRequest(RouteOp::Replace, Route::toPod(ip("10.244.1.5"), 7));
    CHECK_TRUE(bytes.ok());

    const nlmsghdr& nlh = headerOf(*bytes);
    LONGS_EQUAL(RTM_NEWROUTE, nlh.nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, nlh.nlmsg_flags);
    LONGS_EQUAL(bytes->size(), nlh.nlmsg_len);
    LONGS_EQUAL(0, nlh.nlmsg_seq);  // stamped by the socket

    const rtmsg& rtm = rtmsgOf(*bytes);
    LONGS_EQUAL(AF_INET, rtm.rtm_family);
    LONGS_EQUAL(32, rtm.rtm_dst_len);
    LONGS_EQUAL(0, rtm.rtm_src_len);
    LONGS_EQUAL(0, rtm.rtm_tos);
    LONGS_EQUAL(RT_TABLE_MAIN, rtm.rtm_table);
    LONGS_EQUAL(0xa7, rtm.rtm_protocol);
    LONGS_EQUAL(RT_SCOPE_LINK, rtm.rtm_scope);
    LONGS_EQUAL(RTN_UNICAST, rtm.rtm_type);

    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK_TRUE(decoded.complete);
    LONGS_EQUAL(3, decoded.attributes.size());
    CHECK(decoded.attributes.at(RTA_DST) == bytesOf("10.244.1.5"));
    LONGS_EQUAL(7, decoded.u32(RTA_OIF));
    LONGS_EQUAL(RT_TABLE_MAIN, decoded.u32(RTA_TABLE));
    CHECK_FALSE(decoded.has(RTA_GATEWAY));
    CHECK_FALSE(decoded.has(RTA_PRIORITY));
}

TEST(RouteRequest, AddIsExclusive) {
    auto bytes = buildRouteRequest(RouteOp::Add, Route::toPod(ip("10.244.1.5"), 7));
    CHECK_TRUE(bytes.ok());
    LONGS_EQUAL(RTM_NEWROUTE, headerOf(*bytes).nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, headerOf(*bytes).nlmsg_flags);
}

TEST(RouteRequest, DeleteMatchesAnyScopeButOnlyOurProtocol) {
    auto bytes = buildRouteRequest(RouteOp::Delete, Route::toPod(ip("10.244.1.5"), 7));
    CHECK_TRUE(bytes.ok());
    LONGS_EQUAL(RTM_DELROUTE, headerOf(*bytes).nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_ACK, headerOf(*bytes).nlmsg_flags);
    const rtmsg& rtm = rtmsgOf(*bytes);
    LONGS_EQUAL(RT_SCOPE_NOWHERE, rtm.rtm_scope);
    LONGS_EQUAL(0xa7, rtm.rtm_protocol);
    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK_TRUE(decoded.complete);
    CHECK(decoded.attributes.at(RTA_DST) == bytesOf("10.244.1.5"));
    LONGS_EQUAL(7, decoded.u32(RTA_OIF));
}

TEST(RouteRequest, Ipv6PodRouteIsA128WithSixteenByteDestination) {
    auto bytes = buildRouteRequest(RouteOp::Replace, Route::toPod(ip("fd00:10:244::5"), 9));
    CHECK_TRUE(bytes.ok());
    const rtmsg& rtm = rtmsgOf(*bytes);
    LONGS_EQUAL(AF_INET6, rtm.rtm_family);
    LONGS_EQUAL(128, rtm.rtm_dst_len);
    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK_TRUE(decoded.complete);
    CHECK(decoded.attributes.at(RTA_DST) == bytesOf("fd00:10:244::5"));
    LONGS_EQUAL(9, decoded.u32(RTA_OIF));
}

TEST(RouteRequest, Ipv6DeleteCarriesTheSameKey) {
    Route route = Route::toPod(ip("fd00:10:244::5"), 9);
    route.priority = 1024;
    auto bytes = buildRouteRequest(RouteOp::Delete, route);
    CHECK_TRUE(bytes.ok());
    LONGS_EQUAL(RTM_DELROUTE, headerOf(*bytes).nlmsg_type);
    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK(decoded.attributes.at(RTA_DST) == bytesOf("fd00:10:244::5"));
    LONGS_EQUAL(1024, decoded.u32(RTA_PRIORITY));
    LONGS_EQUAL(RT_TABLE_MAIN, decoded.u32(RTA_TABLE));
}

TEST(RouteRequest, GatewayRouteToAnotherNodesPodCidr) {
    Route route = Route::via(prefix("10.244.2.0/24"), ip("192.168.1.12"));
    route.priority = 20;
    auto bytes = buildRouteRequest(RouteOp::Replace, route);
    CHECK_TRUE(bytes.ok());
    const rtmsg& rtm = rtmsgOf(*bytes);
    LONGS_EQUAL(24, rtm.rtm_dst_len);
    LONGS_EQUAL(RT_SCOPE_UNIVERSE, rtm.rtm_scope);
    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK_TRUE(decoded.complete);
    CHECK(decoded.attributes.at(RTA_DST) == bytesOf("10.244.2.0"));
    CHECK(decoded.attributes.at(RTA_GATEWAY) == bytesOf("192.168.1.12"));
    LONGS_EQUAL(20, decoded.u32(RTA_PRIORITY));
    CHECK_FALSE(decoded.has(RTA_OIF));
}

TEST(RouteRequest, Ipv6GatewayRoute) {
    Route route = Route::via(prefix("fd00:10:244:2::/64"), ip("fd00::12"));
    route.oif = 3;
    auto bytes = buildRouteRequest(RouteOp::Replace, route);
    CHECK_TRUE(bytes.ok());
    auto decoded = decode(*bytes, sizeof(rtmsg));
    CHECK(decoded.attributes.at(RTA_GATEWAY) == bytesOf("fd00::12"));
    LONGS_EQUAL(3, decoded.u32(RTA_OIF));
    LONGS_EQUAL(64, rtmsgOf(*bytes).rtm_dst_len);
}

TEST(RouteRequest, DefaultRouteHasNoDestinationAttribute) {
    auto bytes = buildRouteRequest(RouteOp::Replace, Route::via(prefix("0.0.0.0/0"), ip("192.0.2.1")));
    CHECK_TRUE(bytes.ok());
    LONGS_EQUAL(0, rtmsgOf(*bytes).rtm_dst_len);
    CHECK_FALSE(decode(*bytes, sizeof(rtmsg)).has(RTA_DST));
}

TEST(RouteRequest, TableAbove255IsCarriedOnlyByRtaTable) {
    Route route = Route::toPod(ip("10.244.1.5"), 7);
    route.table = 1000;
    auto bytes = buildRouteRequest(RouteOp::Replace, route);
    CHECK_TRUE(bytes.ok());
    LONGS_EQUAL(RT_TABLE_UNSPEC, rtmsgOf(*bytes).rtm_table);
    LONGS_EQUAL(1000, decode(*bytes, sizeof(rtmsg)).u32(RTA_TABLE));
}

TEST(RouteRequest, GatewayOfTheOtherFamilyIsRefused) {
    auto bytes = buildRouteRequest(RouteOp::Replace, Route::via(prefix("10.244.2.0/24"), ip("fd00::12")));
    CHECK_FALSE(bytes.ok());
    LONGS_EQUAL(0, bytes.error().errnum);
    STRCMP_EQUAL("gateway fd00::12 is not of the family of 10.244.2.0/24", bytes.error().message.c_str());
}

TEST(RouteRequest, DumpAsksForOneFamily) {
    auto bytes = buildRouteDump(IpFamily::V6);
    LONGS_EQUAL(RTM_GETROUTE, headerOf(bytes).nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_DUMP, headerOf(bytes).nlmsg_flags);
    LONGS_EQUAL(NLMSG_LENGTH(sizeof(rtmsg)), bytes.size());
    LONGS_EQUAL(AF_INET6, rtmsgOf(bytes).rtm_family);
}

TEST(RouteRequest, DescribeReadsLikeIproute2) {
    STRCMP_EQUAL("10.244.1.5/32 dev 7 scope link proto 167 table 254",
                 describe(Route::toPod(ip("10.244.1.5"), 7)).c_str());
    Route route = Route::via(prefix("10.244.2.0/24"), ip("192.168.1.12"));
    route.priority = 20;
    STRCMP_EQUAL("10.244.2.0/24 via 192.168.1.12 metric 20 proto 167 table 254", describe(route).c_str());
}
