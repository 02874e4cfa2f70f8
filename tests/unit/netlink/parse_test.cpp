// Parsers fed with messages shaped like the kernel's answers, built with
// libmnl in the test (test_messages.h): header, family header, attributes.
#include <CppUTest/TestHarness.h>
#include <net/if.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/address.h"
#include "netlink/link.h"
#include "netlink/route.h"
#include "netlink/socket.h"
#include "test_messages.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using nodeplane::netlink::test::bytesOf;
using nodeplane::netlink::test::TestMessage;

namespace {

// RTM_NEWLINK as the kernel reports a veth host end.
TestMessage vethMessage(std::uint16_t type, int ifindex, const char* name, unsigned flags) {
    TestMessage m(type, NLM_F_MULTI);
    auto* ifi = m.header<ifinfomsg>();
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_type = 1;  // ARPHRD_ETHER
    ifi->ifi_index = ifindex;
    ifi->ifi_flags = flags;
    mnl_attr_put_strz(m.nlh(), IFLA_IFNAME, name);
    mnl_attr_put_u32(m.nlh(), IFLA_MTU, 1500);
    mnl_attr_put_u8(m.nlh(), IFLA_OPERSTATE, IF_OPER_UP);
    const std::uint8_t mac[6] = {0x02, 0x42, 0xac, 0x11, 0x00, 0x02};
    mnl_attr_put(m.nlh(), IFLA_ADDRESS, sizeof mac, mac);
    nlattr* info = mnl_attr_nest_start(m.nlh(), IFLA_LINKINFO);
    mnl_attr_put_strz(m.nlh(), IFLA_INFO_KIND, "veth");
    mnl_attr_nest_end(m.nlh(), info);
    return m;
}

TestMessage routeMessage(unsigned char family, unsigned char dstLen, const char* dst) {
    TestMessage m(RTM_NEWROUTE, NLM_F_MULTI);
    auto* rtm = m.header<rtmsg>();
    rtm->rtm_family = family;
    rtm->rtm_dst_len = dstLen;
    rtm->rtm_table = RT_TABLE_MAIN;
    rtm->rtm_protocol = 0xa7;
    rtm->rtm_scope = RT_SCOPE_LINK;
    rtm->rtm_type = RTN_UNICAST;
    if (dst) {
        auto bytes = bytesOf(dst);
        mnl_attr_put(m.nlh(), RTA_DST, bytes.size(), bytes.data());
    }
    mnl_attr_put_u32(m.nlh(), RTA_TABLE, RT_TABLE_MAIN);
    return m;
}

}  // namespace

TEST_GROUP(ParseLink) {};

TEST(ParseLink, NewVethWithKindMacAndState) {
    auto m = vethMessage(RTM_NEWLINK, 7, "np-web-1", IFF_UP | IFF_RUNNING | IFF_BROADCAST);
    auto event = parseLinkMessage(m.get());
    CHECK_TRUE(event.has_value());
    CHECK_FALSE(event->removed);
    CHECK_TRUE(event->previousName.empty());
    const Link& link = event->link;
    LONGS_EQUAL(7, link.ifindex);
    STRCMP_EQUAL("np-web-1", link.name.c_str());
    STRCMP_EQUAL("veth", link.kind.c_str());
    LONGS_EQUAL(1500, link.mtu);
    LONGS_EQUAL(IF_OPER_UP, link.operState);
    CHECK_TRUE(link.up());
    CHECK_TRUE(link.running());
    CHECK((std::vector<std::uint8_t>{0x02, 0x42, 0xac, 0x11, 0x00, 0x02}) == link.address);
    STRCMP_EQUAL("'np-web-1' (ifindex 7, veth, up)", describe(link).c_str());
}

TEST(ParseLink, UpWithoutCarrierIsNotRunning) {
    auto m = vethMessage(RTM_NEWLINK, 7, "np-web-1", IFF_UP);
    auto event = parseLinkMessage(m.get());
    CHECK_TRUE(event->link.up());
    CHECK_FALSE(event->link.running());
}

TEST(ParseLink, DelLinkIsARemoval) {
    auto m = vethMessage(RTM_DELLINK, 7, "np-web-1", 0);
    auto event = parseLinkMessage(m.get());
    CHECK_TRUE(event.has_value());
    CHECK_TRUE(event->removed);
    LONGS_EQUAL(7, event->link.ifindex);
}

TEST(ParseLink, MinimalMessageWithoutOptionalAttributes) {
    TestMessage m(RTM_NEWLINK);
    auto* ifi = m.header<ifinfomsg>();
    ifi->ifi_index = 1;
    ifi->ifi_flags = IFF_UP | IFF_LOOPBACK;
    mnl_attr_put_strz(m.nlh(), IFLA_IFNAME, "lo");
    auto event = parseLinkMessage(m.get());
    CHECK_TRUE(event.has_value());
    STRCMP_EQUAL("lo", event->link.name.c_str());
    CHECK_TRUE(event->link.kind.empty());
    CHECK_TRUE(event->link.address.empty());
    LONGS_EQUAL(IF_OPER_UNKNOWN, event->link.operState);
}

TEST(ParseLink, BridgePortNotificationsAreIgnored) {
    auto m = vethMessage(RTM_DELLINK, 7, "np-web-1", 0);
    reinterpret_cast<ifinfomsg*>(mnl_nlmsg_get_payload(m.nlh()))->ifi_family = AF_BRIDGE;
    CHECK_FALSE(parseLinkMessage(m.get()).has_value());
}

TEST(ParseLink, MessageWithoutNameIsRejected) {
    TestMessage m(RTM_NEWLINK);
    m.header<ifinfomsg>()->ifi_index = 3;
    mnl_attr_put_u32(m.nlh(), IFLA_MTU, 1500);
    CHECK_FALSE(parseLinkMessage(m.get()).has_value());
}

TEST(ParseLink, NameWithoutTerminatorIsRejected) {
    TestMessage m(RTM_NEWLINK);
    m.header<ifinfomsg>()->ifi_index = 3;
    mnl_attr_put(m.nlh(), IFLA_IFNAME, 4, "eth0");  // no NUL
    CHECK_FALSE(parseLinkMessage(m.get()).has_value());
}

TEST(ParseLink, TruncatedHeaderIsRejected) {
    TestMessage m(RTM_NEWLINK);
    m.nlh()->nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg) - 4);
    CHECK_FALSE(parseLinkMessage(m.get()).has_value());
}

TEST(ParseLink, OtherMessageTypesAreNotLinks) {
    auto m = routeMessage(AF_INET, 32, "10.0.0.1");
    CHECK_FALSE(parseLinkMessage(m.get()).has_value());
}

TEST(ParseLink, DumpRequestAsksForAllFamilies) {
    auto bytes = buildLinkDump();
    const auto* nlh = reinterpret_cast<const nlmsghdr*>(bytes.data());
    LONGS_EQUAL(RTM_GETLINK, nlh->nlmsg_type);
    LONGS_EQUAL(NLM_F_REQUEST | NLM_F_DUMP, nlh->nlmsg_flags);
    LONGS_EQUAL(NLMSG_LENGTH(sizeof(ifinfomsg)), bytes.size());
    LONGS_EQUAL(AF_UNSPEC, reinterpret_cast<const ifinfomsg*>(NLMSG_DATA(nlh))->ifi_family);
}

TEST_GROUP(ParseRoute) {};

TEST(ParseRoute, Ipv4HostRoute) {
    auto m = routeMessage(AF_INET, 32, "10.244.1.5");
    mnl_attr_put_u32(m.nlh(), RTA_OIF, 7);
    auto route = parseRouteMessage(m.get());
    CHECK_TRUE(route.has_value());
    CHECK(*route == Route::toPod(*IpAddress::parse("10.244.1.5"), 7));
}

TEST(ParseRoute, Ipv6RouteWithGatewayAndMetric) {
    auto m = routeMessage(AF_INET6, 64, "fd00:10:244:2::");
    auto gateway = bytesOf("fd00::12");
    mnl_attr_put(m.nlh(), RTA_GATEWAY, gateway.size(), gateway.data());
    mnl_attr_put_u32(m.nlh(), RTA_PRIORITY, 1024);
    auto route = parseRouteMessage(m.get());
    CHECK_TRUE(route.has_value());
    STRCMP_EQUAL("fd00:10:244:2::/64", route->destination.toString().c_str());
    STRCMP_EQUAL("fd00::12", route->gateway->toString().c_str());
    LONGS_EQUAL(1024, *route->priority);
    CHECK_FALSE(route->oif.has_value());
}

TEST(ParseRoute, DefaultRouteHasZeroDestination) {
    auto m = routeMessage(AF_INET, 0, nullptr);
    mnl_attr_put_u32(m.nlh(), RTA_OIF, 2);
    auto route = parseRouteMessage(m.get());
    CHECK_TRUE(route.has_value());
    STRCMP_EQUAL("0.0.0.0/0", route->destination.toString().c_str());
}

TEST(ParseRoute, TableAttributeWinsOverTheByte) {
    auto m = routeMessage(AF_INET, 32, "10.244.1.5");
    reinterpret_cast<rtmsg*>(mnl_nlmsg_get_payload(m.nlh()))->rtm_table = RT_TABLE_UNSPEC;
    mnl_attr_put_u32(m.nlh(), RTA_TABLE, 1000);  // the last one of a type wins
    LONGS_EQUAL(1000, parseRouteMessage(m.get())->table);
}

TEST(ParseRoute, MultipathReportsItsFirstNexthop) {
    auto m = routeMessage(AF_INET, 0, nullptr);
    nlattr* multipath = mnl_attr_nest_start(m.nlh(), RTA_MULTIPATH);
    for (int ifindex : {4, 5}) {
        auto* nexthop = static_cast<rtnexthop*>(mnl_nlmsg_get_payload_tail(m.nlh()));
        m.nlh()->nlmsg_len += RTNH_ALIGN(sizeof(rtnexthop));
        nexthop->rtnh_ifindex = ifindex;
        auto gateway = bytesOf(ifindex == 4 ? "192.0.2.4" : "192.0.2.5");
        mnl_attr_put(m.nlh(), RTA_GATEWAY, gateway.size(), gateway.data());
        nexthop->rtnh_len = static_cast<unsigned short>(
            static_cast<char*>(mnl_nlmsg_get_payload_tail(m.nlh())) - reinterpret_cast<char*>(nexthop));
    }
    mnl_attr_nest_end(m.nlh(), multipath);
    auto route = parseRouteMessage(m.get());
    CHECK_TRUE(route.has_value());
    CHECK_TRUE(route->multipath);
    LONGS_EQUAL(4, *route->oif);
    STRCMP_EQUAL("192.0.2.4", route->gateway->toString().c_str());
}

TEST(ParseRoute, CachedClonesAreNotRoutes) {
    auto m = routeMessage(AF_INET6, 128, "fd00::5");
    reinterpret_cast<rtmsg*>(mnl_nlmsg_get_payload(m.nlh()))->rtm_flags = RTM_F_CLONED;
    CHECK_FALSE(parseRouteMessage(m.get()).has_value());
}

TEST(ParseRoute, DestinationOfTheWrongSizeIsRejected) {
    auto m = routeMessage(AF_INET6, 128, "10.0.0.1");  // 4 bytes in an IPv6 route
    CHECK_FALSE(parseRouteMessage(m.get()).has_value());
}

TEST(ParseRoute, PrefixLongerThanTheFamilyIsRejected) {
    auto m = routeMessage(AF_INET, 33, "10.0.0.1");
    CHECK_FALSE(parseRouteMessage(m.get()).has_value());
}

TEST(ParseRoute, OtherFamiliesAreIgnored) {
    auto m = routeMessage(AF_MPLS, 20, nullptr);
    CHECK_FALSE(parseRouteMessage(m.get()).has_value());
}

TEST_GROUP(ParseAddress) {};

TEST(ParseAddress, Ipv4PrefersLocalOverPeer) {
    TestMessage m(RTM_NEWADDR, NLM_F_MULTI);
    auto* ifa = m.header<ifaddrmsg>();
    ifa->ifa_family = AF_INET;
    ifa->ifa_prefixlen = 24;
    ifa->ifa_index = 4;
    auto peer = bytesOf("192.0.2.254");
    auto local = bytesOf("192.0.2.1");
    mnl_attr_put(m.nlh(), IFA_ADDRESS, peer.size(), peer.data());
    mnl_attr_put(m.nlh(), IFA_LOCAL, local.size(), local.data());
    mnl_attr_put_u32(m.nlh(), IFA_FLAGS, IFA_F_PERMANENT);
    auto address = parseAddressMessage(m.get());
    CHECK_TRUE(address.has_value());
    LONGS_EQUAL(4, address->ifindex);
    STRCMP_EQUAL("192.0.2.1", address->address.toString().c_str());
    LONGS_EQUAL(24, address->prefixLength);
    LONGS_EQUAL(IFA_F_PERMANENT, address->flags);
}

TEST(ParseAddress, Ipv6LinkLocal) {
    TestMessage m(RTM_NEWADDR, NLM_F_MULTI);
    auto* ifa = m.header<ifaddrmsg>();
    ifa->ifa_family = AF_INET6;
    ifa->ifa_prefixlen = 64;
    ifa->ifa_scope = RT_SCOPE_LINK;
    ifa->ifa_flags = IFA_F_NODAD;
    ifa->ifa_index = 4;
    auto address = bytesOf("fe80::1");
    mnl_attr_put(m.nlh(), IFA_ADDRESS, address.size(), address.data());
    auto parsed = parseAddressMessage(m.get());
    CHECK_TRUE(parsed.has_value());
    STRCMP_EQUAL("fe80::1", parsed->address.toString().c_str());
    LONGS_EQUAL(RT_SCOPE_LINK, parsed->scope);
    LONGS_EQUAL(IFA_F_NODAD, parsed->flags);  // from the byte when IFA_FLAGS is absent
}

TEST(ParseAddress, MissingAddressIsRejected) {
    TestMessage m(RTM_NEWADDR);
    m.header<ifaddrmsg>()->ifa_family = AF_INET;
    CHECK_FALSE(parseAddressMessage(m.get()).has_value());
}

TEST_GROUP(ParseAck) {};

TEST(ParseAck, ErrorWithExtendedAckMessage) {
    // As the kernel answers with NETLINK_CAP_ACK: nlmsgerr (the request's
    // header only), then the NLMSGERR_ATTR_* TLVs.
    TestMessage m(NLMSG_ERROR, NLM_F_CAPPED | NLM_F_ACK_TLVS);
    auto* err = m.header<nlmsgerr>();
    err->error = -ENETDOWN;
    err->msg.nlmsg_len = 60;
    err->msg.nlmsg_type = RTM_NEWROUTE;
    mnl_attr_put_strz(m.nlh(), NLMSGERR_ATTR_MSG, "Nexthop device is not up");
    mnl_attr_put_u32(m.nlh(), NLMSGERR_ATTR_OFFS, 36);
    auto ack = parseAck(m.get());
    CHECK_TRUE(ack.has_value());
    LONGS_EQUAL(ENETDOWN, ack->errnum);
    STRCMP_EQUAL("Nexthop device is not up", ack->message.c_str());
}

TEST(ParseAck, UncappedEchoIsSkipped) {
    // Without NETLINK_CAP_ACK the whole request (here 8 bytes of payload)
    // is echoed before the TLVs.
    TestMessage m(NLMSG_ERROR, NLM_F_ACK_TLVS);
    auto* err = m.header<nlmsgerr>();
    err->error = -EEXIST;
    err->msg.nlmsg_len = NLMSG_LENGTH(8);
    void* echoed = mnl_nlmsg_put_extra_header(m.nlh(), 8);
    std::memset(echoed, 0xff, 8);
    mnl_attr_put_strz(m.nlh(), NLMSGERR_ATTR_MSG, "File exists");
    auto ack = parseAck(m.get());
    LONGS_EQUAL(EEXIST, ack->errnum);
    STRCMP_EQUAL("File exists", ack->message.c_str());
}

TEST(ParseAck, PlainAcknowledgement) {
    TestMessage m(NLMSG_ERROR, NLM_F_CAPPED);
    m.header<nlmsgerr>()->error = 0;
    auto ack = parseAck(m.get());
    CHECK_TRUE(ack.has_value());
    LONGS_EQUAL(0, ack->errnum);
    CHECK_TRUE(ack->message.empty());
}

TEST(ParseAck, NotAnErrorMessage) {
    TestMessage m(NLMSG_DONE);
    m.header<int>();
    CHECK_FALSE(parseAck(m.get()).has_value());
}
