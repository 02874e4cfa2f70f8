// The service range ([services] cluster-ip-ranges) in the shipped datapath:
// a packet for an address in it that no ClusterIP holds is dropped
// (unallocated_cluster_ip) from pods and from outside; an allocated
// ClusterIP's unknown port is still refused; addresses outside the range
// and every packet without configured ranges go on as before. The node's
// own sockets: cluster_ip_range_sock_test.cpp.
#include <CppUTest/TestHarness.h>

#include <linux/pkt_cls.h>

#include "service_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendFlags;
using datapath::FrontendValue;
using datapath::L4Protocol;

namespace {

constexpr const char* kUnallocated = "10.96.0.50";  // in 10.96.0.0/12, no service
constexpr const char* kElsewhere = "10.200.2.20";   // another node's pod
constexpr const char* kClient = "192.168.50.100";
constexpr const char* kMacClient = "02:00:00:00:ee:01";
constexpr const char* kMacExt = "02:00:00:00:ee:02";

std::vector<IpPrefix> serviceRange() { return {*IpPrefix::parse("10.96.0.0/12")}; }

Bytes clientIcmpEcho(const char* dst) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, dst).icmpEcho(7, 1).build();
}

void checkOk(const Status& status) { CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str()); }

}  // namespace

TEST_GROUP(UnallocatedClusterIp) {
    ServiceNode n;
    void setup() override { n.build(); }
    void teardown() override { n.node.reset(); }

    // kVip as the daemon plans a ClusterIP: port 80/TCP to pod B, and the
    // port-0 refusal frontends for TCP and UDP (service 9, no backends).
    void publishAllocatedVip() {
        n.publishClusterIp({{7, backendAt(kPodB)}});
        FrontendFlags reject;
        reject.rejectWithoutBackend = true;
        checkOk(n.dp().services().replaceBackendSet(9, {}));
        checkOk(n.dp().services().upsert(frontendOf(kVip, 0, L4Protocol::Tcp), FrontendValue{9, 0, reject, 0}));
        checkOk(n.dp().services().upsert(frontendOf(kVip, 0, L4Protocol::Udp), FrontendValue{9, 0, reject, 0}));
    }
};

TEST(UnallocatedClusterIp, WithoutRangesNothingIsDropped) {
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kUnallocated)));
    LONGS_EQUAL(0, n.drop("unallocated_cluster_ip"));
    LONGS_EQUAL(1, n.stat("to_stack"));
}

TEST(UnallocatedClusterIp, FromAPodEveryProtocolIsDroppedAndCounted) {
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kUnallocated)));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kAck, kUnallocated)));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientUdp(kClientPort, kUnallocated, 53)));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientIcmpEcho(kUnallocated)));
    LONGS_EQUAL(4, n.drop("unallocated_cluster_ip"));
    LONGS_EQUAL(0, n.stat("to_stack"));
}

TEST(UnallocatedClusterIp, OutsideTheRangeTrafficIsRoutedAsBefore) {
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kElsewhere)));
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "10.112.0.1")));  // past /12
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientIcmpEcho(kElsewhere)));
    // A local pod is delivered directly.
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kPodB)));
    LONGS_EQUAL(0, n.drop("unallocated_cluster_ip"));
    LONGS_EQUAL(3, n.stat("to_stack"));
    LONGS_EQUAL(1, n.stat("forwarded_local"));
}

TEST(UnallocatedClusterIp, AnAllocatedClusterIpTranslatesAndRefusesItsOtherPorts) {
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    publishAllocatedVip();
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp()));
    LONGS_EQUAL(1, n.stat("service_translated"));
    // Wrong port: TCP reset, UDP port unreachable, from the ClusterIP.
    auto tcp = n.fromPod(n.hostA, clientTcp(kClientPort + 1, tcp_flags::kSyn, kVip, 81));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, tcp);
    STRCMP_EQUAL(kVip, PacketView(tcp.output).ipv4Src().c_str());
    auto udp = n.fromPod(n.hostA, clientUdp(kClientPort, kVip, 81));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, udp);
    LONGS_EQUAL(1, PacketView(udp.output).protocol());  // ICMP port unreachable
    LONGS_EQUAL(1, n.stat("service_reset"));
    LONGS_EQUAL(1, n.stat("service_rejected"));
    // ICMP to an allocated ClusterIP is not the range's to drop.
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientIcmpEcho(kVip)));
    LONGS_EQUAL(0, n.drop("unallocated_cluster_ip"));
}

TEST(UnallocatedClusterIp, AFrontendAddressWithoutAClusterIpIsNoAllocation) {
    // An address in the range with a frontend on port 80 only (no port-0
    // refusal: not a ClusterIP): its other ports are unallocated.
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    n.publish(frontendOf("10.96.0.77", kVipPort), FrontendValue{3, 3, {}, 0}, {{5, backendAt(kPodC)}});
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "10.96.0.77")));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "10.96.0.77", 81)));
    LONGS_EQUAL(1, n.drop("unallocated_cluster_ip"));
}

TEST(UnallocatedClusterIp, NewRangesApplyAtOnceAndRoundTrip) {
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    const auto frame = clientTcp(kClientPort, tcp_flags::kSyn, kUnallocated);
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, frame));

    // A reload to other ranges (IPv6 ones are left out of the map).
    checkOk(n.dp().setClusterIpRanges({*IpPrefix::parse("172.30.0.0/16"), *IpPrefix::parse("fd00:10:96::/112"),
                                       *IpPrefix::parse("192.168.200.0/24")}));
    auto ranges = n.dp().clusterIpRanges();
    CHECK_TRUE(ranges.ok());
    LONGS_EQUAL(2, ranges->size());
    STRCMP_EQUAL("172.30.0.0/16", (*ranges)[0].toString().c_str());
    STRCMP_EQUAL("192.168.200.0/24", (*ranges)[1].toString().c_str());
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, frame));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "192.168.200.9")));

    // Cleared: nothing is dropped.
    checkOk(n.dp().setClusterIpRanges({}));
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "192.168.200.9")));
    LONGS_EQUAL(2, n.drop("unallocated_cluster_ip"));
}

TEST(UnallocatedClusterIp, TooManyOrMalformedRangesAreRefusedAndChangeNothing) {
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    std::vector<IpPrefix> many;
    for (int i = 0; i < 17; ++i) many.push_back(*IpPrefix::parse("10." + std::to_string(i) + ".0.0/16"));
    CHECK_FALSE(n.dp().setClusterIpRanges(many).ok());
    IpPrefix hostBits{*IpAddress::parse("10.96.0.1"), 12};
    CHECK_FALSE(n.dp().setClusterIpRanges({hostBits}).ok());
    auto ranges = n.dp().clusterIpRanges();
    CHECK_TRUE(ranges.ok());
    LONGS_EQUAL(1, ranges->size());
    STRCMP_EQUAL("10.96.0.0/12", (*ranges)[0].toString().c_str());
    many.pop_back();
    checkOk(n.dp().setClusterIpRanges(many));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "10.15.3.4")));
}

TEST(UnallocatedClusterIp, FromOutsideTheNodeTooButAnAllocatedClusterIpGoesOn) {
    const int ext = orFail([&] { return n.node->addInterface("np-ext"); });
    checkOk(n.dp().setClusterIpRanges(serviceRange()));
    publishAllocatedVip();
    auto from = [&](const char* dst) {
        auto frame = PacketBuilder().eth(kMacClient, kMacExt).ipv4(kClient, dst).tcp(50000, 80).build();
        return runOn(*n.node, datapath::Program::FromNetdev, ext, frame);
    };
    CHECK_TC_ACTION(TC_ACT_SHOT, from(kUnallocated));
    CHECK_TC_ACTION(TC_ACT_OK, from(kVip));  // not translated from outside, as before: to the stack
    CHECK_TC_ACTION(TC_ACT_OK, from(kElsewhere));
    LONGS_EQUAL(1, n.drop("unallocated_cluster_ip"));
}
