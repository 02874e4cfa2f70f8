// External traffic through the shipped datapath (BPF_PROG_TEST_RUN): clients
// outside the node reaching NodePort / LoadBalancer / externalIP frontends at
// from_netdev, masquerade to the node for backends on other nodes, the
// replies both ways, and a pod reaching itself through its service (hairpin).
//
// The test node's namespace has a real external interface with an address,
// a connected client network and a route to another node's pods, so the
// datapath's FIB lookups see what a node's would.
#include <CppUTest/TestHarness.h>

#include <linux/pkt_cls.h>

#include <set>

#include "service_test_support.h"
#include "datapath/abi.h"
#include "support/command.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendFlags;
using datapath::FrontendKey;
using datapath::FrontendValue;
using datapath::L4Protocol;
using datapath::ServiceScope;

namespace {

constexpr const char* kNodeIp = "192.168.50.2";
constexpr const char* kOtherNodeIp = "192.168.50.3";
constexpr const char* kClient = "192.168.50.100";
constexpr const char* kFarClient = "203.0.113.7";  // beyond the default route
constexpr const char* kLbIp = "198.51.100.10";
constexpr std::uint16_t kNodePort = 30080;
constexpr std::uint16_t kExtClientPort = 50000;
constexpr const char* kMacClient = "02:00:00:00:ee:01";
constexpr const char* kMacExt = "02:00:00:00:ee:02";

FrontendKey externalOf(const char* address, std::uint16_t port, L4Protocol protocol = L4Protocol::Tcp) {
    return FrontendKey{ipOf(address), port, protocol, ServiceScope::External};
}

Bytes fromClient(const char* client, const char* frontend, std::uint16_t frontendPort,
                 std::uint16_t clientPort = kExtClientPort, std::uint8_t flags = tcp_flags::kSyn) {
    return PacketBuilder()
        .eth(kMacClient, kMacExt)
        .ipv4(client, frontend)
        .tcp(clientPort, frontendPort, flags)
        .payload("GET /")
        .build();
}

std::uint32_t u32At(const Bytes& b, std::size_t at) {
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}

}  // namespace

TEST_GROUP(ExternalService) {
    ServiceNode n;
    int ext = 0;

    void setup() override {
        n.build();
        orFail([&] {
            ext = n.node->addInterface("np-ext");
            const int fd = n.node->netns().fd();
            runOrThrow({"ip", "addr", "add", std::string(kNodeIp) + "/24", "dev", "np-ext"}, fd);
            runOrThrow({"ip", "route", "add", "10.200.2.0/24", "via", kOtherNodeIp}, fd);
            runOrThrow({"ip", "route", "add", "default", "via", "192.168.50.1"}, fd);
            runOrThrow({"sysctl", "-qw", "net.ipv4.conf.all.forwarding=1"}, fd);
        });
        CHECK_TRUE(n.dp().setMasqueradeAddress(ipOf(kNodeIp)).ok());
    }
    void teardown() override { n.node.reset(); }

    TestRunResult fromNetdev(const Bytes& frame) { return runOn(*n.node, datapath::Program::FromNetdev, ext, frame); }

    // NodePort kNodeIp:kNodePort/TCP as the daemon plans it: an external
    // frontend (service 1) and the internal one pods use (service 2, the
    // Cluster set), sharing rev-NAT 1.
    void publishNodePort(const std::vector<std::pair<datapath::BackendId, datapath::Backend>>& backends,
                         FrontendFlags external) {
        n.publish(externalOf(kNodeIp, kNodePort), FrontendValue{1, 1, external, 0}, backends);
    }

    datapath::ConntrackEntry entry(datapath::ConntrackDirection direction) {
        auto ct = n.dp().conntrack().list();
        CHECK_TRUE(ct.ok());
        for (const auto& e : *ct)
            if (e.direction == direction) return e;
        FAIL("no such conntrack entry");
        return {};
    }
};

// externalTrafficPolicy: Cluster, backend on this node: no masquerade (the
// reply passes this node anyway), the client's address reaches the pod.
TEST(ExternalService, ANodePortClientReachesALocalBackendWithItsOwnAddress) {
    FrontendFlags cluster;
    cluster.masquerade = true;
    publishNodePort({{1, backendAt(kPodB)}}, cluster);

    auto run = fromNetdev(fromClient(kClient, kNodeIp, kNodePort));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    STRCMP_EQUAL(kClient, out.ipv4Src().c_str());
    LONGS_EQUAL(kExtClientPort, out.srcPort());
    STRCMP_EQUAL(kPodB, out.ipv4Dst().c_str());
    LONGS_EQUAL(kBackendPort, out.dstPort());
    LONGS_EQUAL(63, out.ttl());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("forwarded_local"));
    LONGS_EQUAL(0, n.stat("snat_created"));
    auto original = entry(datapath::ConntrackDirection::Original);
    CHECK_TRUE(original.external);
    CHECK_FALSE(original.snat);

    // The pod's reply leaves as the NodePort, routed by the datapath to the
    // client (the stack would refuse a node-address source from a pod).
    auto reply = PacketBuilder().eth(kMacPodB, kMacHostB).ipv4(kPodB, kClient)
                     .tcp(kBackendPort, kExtClientPort, tcp_flags::kSyn | tcp_flags::kAck).payload("200").build();
    auto back = n.fromPod(n.hostB, reply);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, back);
    PacketView rev(back.output);
    STRCMP_EQUAL(kNodeIp, rev.ipv4Src().c_str());
    LONGS_EQUAL(kNodePort, rev.srcPort());
    STRCMP_EQUAL(kClient, rev.ipv4Dst().c_str());
    LONGS_EQUAL(kExtClientPort, rev.dstPort());
    LONGS_EQUAL(63, rev.ttl());
    CHECK_TRUE(rev.ipv4ChecksumValid());
    CHECK_TRUE(rev.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("forwarded_routed"));
}

// One client port towards two frontends whose flows pick the same backend
// (Linux may reuse a source port for different destinations): at the
// backend both would be one tuple. The second flow must not take over the
// first one's reply entry, or the first connection's answers leave as the
// other frontend's and the client resets it (docs/status.md, Known defects).
// nf_nat resolves such a clash with a new source port; so must we, keeping
// the client's address.
TEST(ExternalService, TwoFrontendsOneClientPortOneBackendKeepBothFlows) {
    FrontendFlags cluster;
    cluster.masquerade = true;
    publishNodePort({{1, backendAt(kPodB)}}, cluster);
    n.publish(externalOf(kLbIp, 443), FrontendValue{2, 2, cluster, 0}, {{1, backendAt(kPodB)}});

    auto first = fromNetdev(fromClient(kClient, kNodeIp, kNodePort));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, first);
    LONGS_EQUAL(kExtClientPort, PacketView(first.output).srcPort());
    auto second = fromNetdev(fromClient(kClient, kLbIp, 443));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, second);
    PacketView secondOut(second.output);
    STRCMP_EQUAL(kClient, secondOut.ipv4Src().c_str());  // the client's address is kept
    CHECK_TEXT(secondOut.srcPort() != kExtClientPort, "the second flow reuses the first flow's tuple at the backend");

    // The backend answers the first flow: it still leaves as the NodePort.
    auto reply = PacketBuilder().eth(kMacPodB, kMacHostB).ipv4(kPodB, kClient)
                     .tcp(kBackendPort, kExtClientPort, tcp_flags::kAck).payload("200").build();
    auto back = n.fromPod(n.hostB, reply);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, back);
    STRCMP_EQUAL(kNodeIp, PacketView(back.output).ipv4Src().c_str());
    LONGS_EQUAL(kNodePort, PacketView(back.output).srcPort());
}

// externalTrafficPolicy: Cluster, backend on another node: the client is
// masqueraded to the node so the backend's reply comes back here, and the
// reply is turned back into the frontend's answer to the client.
TEST(ExternalService, ANodePortClientReachesARemoteBackendMasqueraded) {
    FrontendFlags cluster;
    cluster.masquerade = true;
    publishNodePort({{1, backendAt(kPodElsewhere, kBackendPort, false)}}, cluster);

    auto run = fromNetdev(fromClient(kFarClient, kNodeIp, kNodePort));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    STRCMP_EQUAL(kNodeIp, out.ipv4Src().c_str());
    const std::uint16_t natPort = out.srcPort();
    CHECK_TRUE(natPort >= NP_SNAT_PORT_MIN && natPort <= NP_SNAT_PORT_MAX);
    STRCMP_EQUAL(kPodElsewhere, out.ipv4Dst().c_str());
    LONGS_EQUAL(kBackendPort, out.dstPort());
    LONGS_EQUAL(63, out.ttl());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("forwarded_routed"));
    LONGS_EQUAL(1, n.stat("snat_created"));

    auto original = entry(datapath::ConntrackDirection::Original);
    CHECK_TRUE(original.snat && original.external);
    STRCMP_EQUAL(kNodeIp, original.natAddress.toString().c_str());
    LONGS_EQUAL(natPort, original.natPort);
    auto replyEntry = entry(datapath::ConntrackDirection::Reply);
    STRCMP_EQUAL(kPodElsewhere, replyEntry.source.toString().c_str());
    STRCMP_EQUAL(kNodeIp, replyEntry.destination.toString().c_str());
    LONGS_EQUAL(natPort, replyEntry.destinationPort);
    STRCMP_EQUAL(kFarClient, replyEntry.natAddress.toString().c_str());
    LONGS_EQUAL(kExtClientPort, replyEntry.natPort);

    // The same client's next segment takes the same port.
    auto again = fromNetdev(fromClient(kFarClient, kNodeIp, kNodePort, kExtClientPort, tcp_flags::kAck));
    LONGS_EQUAL(natPort, PacketView(again.output).srcPort());

    // The backend's reply arrives from the other node.
    auto reply = PacketBuilder().eth(kMacClient, kMacExt).ipv4(kPodElsewhere, kNodeIp)
                     .tcp(kBackendPort, natPort, tcp_flags::kSyn | tcp_flags::kAck).payload("200").build();
    auto back = fromNetdev(reply);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, back);
    PacketView rev(back.output);
    STRCMP_EQUAL(kNodeIp, rev.ipv4Src().c_str());
    LONGS_EQUAL(kNodePort, rev.srcPort());
    STRCMP_EQUAL(kFarClient, rev.ipv4Dst().c_str());
    LONGS_EQUAL(kExtClientPort, rev.dstPort());
    CHECK_TRUE(rev.ipv4ChecksumValid());
    CHECK_TRUE(rev.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("reverse_translated"));
    LONGS_EQUAL(3, n.stat("forwarded_routed"));
}

// Every masqueraded flow to one backend holds its own port.
TEST(ExternalService, MasqueradedFlowsToOneBackendNeverShareAPort) {
    FrontendFlags cluster;
    cluster.masquerade = true;
    publishNodePort({{1, backendAt(kPodElsewhere, kBackendPort, false)}}, cluster);
    std::set<std::uint16_t> ports;
    constexpr int kFlows = 500;
    for (int i = 0; i < kFlows; ++i) {
        auto run = fromNetdev(fromClient(kClient, kNodeIp, kNodePort, static_cast<std::uint16_t>(20000 + i)));
        CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
        ports.insert(PacketView(run.output).srcPort());
    }
    LONGS_EQUAL(kFlows, ports.size());
    LONGS_EQUAL(0, n.drop("snat_no_port"));
}

TEST(ExternalService, WithoutAMasqueradeAddressAMasqueradedFlowIsDropped) {
    CHECK_TRUE(n.dp().setMasqueradeAddress(std::nullopt).ok());
    FrontendFlags cluster;
    cluster.masquerade = true;
    publishNodePort({{1, backendAt(kPodElsewhere, kBackendPort, false)}}, cluster);
    CHECK_TC_ACTION(TC_ACT_SHOT, fromNetdev(fromClient(kClient, kNodeIp, kNodePort)));
    LONGS_EQUAL(1, n.drop("snat_no_port"));
    auto ct = n.dp().conntrack().list();
    CHECK_TRUE(ct.ok());
    LONGS_EQUAL(0, ct->size());
}

// externalTrafficPolicy: Local: the external set holds local backends only,
// the client's address is kept, and with none the packet is dropped (a
// load balancer's health check keeps traffic away from this node).
TEST(ExternalService, LocalPolicyKeepsTheClientAndDropsWithoutLocalBackends) {
    FrontendFlags local;
    local.externalLocal = true;
    n.publish(externalOf(kLbIp, 443), FrontendValue{1, 1, local, 0}, {{1, backendAt(kPodC, 8443)}});
    auto run = fromNetdev(fromClient(kFarClient, kLbIp, 443));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    STRCMP_EQUAL(kFarClient, PacketView(run.output).ipv4Src().c_str());
    STRCMP_EQUAL(kPodC, PacketView(run.output).ipv4Dst().c_str());

    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {}).ok());
    CHECK_TRUE(n.dp().services().upsert(externalOf(kLbIp, 443), FrontendValue{1, 1, local, 0}).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, fromNetdev(fromClient(kFarClient, kLbIp, 443, kExtClientPort + 1)));
    LONGS_EQUAL(1, n.drop("no_backend"));
}

TEST(ExternalService, SourceRangesAdmitOnlyTheirClients) {
    FrontendFlags ranged;
    ranged.sourceRanges = true;
    n.publish(externalOf(kLbIp, 443), FrontendValue{1, 1, ranged, 0}, {{1, backendAt(kPodC, 8443)}});
    auto prefix = IpPrefix::parse("203.0.113.0/24");
    CHECK_TRUE(prefix.has_value());
    CHECK_TRUE(n.dp().sourceRanges().insert(1, *prefix).ok());
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromNetdev(fromClient(kFarClient, kLbIp, 443)));
    CHECK_TC_ACTION(TC_ACT_SHOT, fromNetdev(fromClient(kClient, kLbIp, 443)));
    LONGS_EQUAL(1, n.drop("source_range_denied"));
}

// A ClusterIP is internal: from outside it is just an address, for the stack.
TEST(ExternalService, InternalFrontendsAndOtherTrafficGoToTheStackUntouched) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    auto frame = fromClient(kClient, kVip, kVipPort);
    auto run = fromNetdev(frame);
    CHECK_TC_ACTION(TC_ACT_OK, run);
    CHECK_TRUE(run.output == frame);
    auto toNode = fromClient(kClient, kNodeIp, 22);
    CHECK_TC_ACTION(TC_ACT_OK, fromNetdev(toNode));
    LONGS_EQUAL(2, n.stat("to_stack"));
    LONGS_EQUAL(0, n.stat("service_translated"));
}

// A TCP client of an external frontend whose backends are all gone gets a
// RST out of the interface it came in on.
TEST(ExternalService, AnExternalClientOfAnEmptyRejectingFrontendIsReset) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    publishNodePort({}, reject);
    auto run = fromNetdev(fromClient(kClient, kNodeIp, kNodePort, kExtClientPort, tcp_flags::kSyn));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    CHECK_TRUE(out.ethDst() == parseMac(kMacClient));
    STRCMP_EQUAL(kNodeIp, out.ipv4Src().c_str());
    LONGS_EQUAL(kNodePort, out.srcPort());
    STRCMP_EQUAL(kClient, out.ipv4Dst().c_str());
    LONGS_EQUAL(tcp_flags::kRst | tcp_flags::kAck, out.bytes()[34 + 13]);
    LONGS_EQUAL(1 + 5 + 1, u32At(out.bytes(), 34 + 8));  // SEG.SEQ + data + SYN
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("service_reset"));
}

// Hairpin: pod A reaches its own service and is picked. It would drop a
// packet from its own address, so the flow is masqueraded to the node, and
// its answer, addressed to the node, is turned back into the frontend's.
TEST(ExternalService, APodReachingItselfThroughItsServiceIsHairpinned) {
    n.publishClusterIp({{1, backendAt(kPodA)}});
    auto run = n.fromPod(n.hostA, clientTcp());
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    STRCMP_EQUAL(kNodeIp, out.ipv4Src().c_str());
    const std::uint16_t natPort = out.srcPort();
    STRCMP_EQUAL(kPodA, out.ipv4Dst().c_str());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("snat_created"));
    LONGS_EQUAL(1, n.stat("forwarded_local"));

    auto answer = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kNodeIp)
                      .tcp(kBackendPort, natPort, tcp_flags::kSyn | tcp_flags::kAck).payload("200").build();
    auto back = n.fromPod(n.hostA, answer);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, back);
    PacketView rev(back.output);
    STRCMP_EQUAL(kVip, rev.ipv4Src().c_str());
    LONGS_EQUAL(kVipPort, rev.srcPort());
    STRCMP_EQUAL(kPodA, rev.ipv4Dst().c_str());
    LONGS_EQUAL(kClientPort, rev.dstPort());
    CHECK_TRUE(rev.l4ChecksumValid());
    LONGS_EQUAL(2, n.stat("forwarded_local"));
}

namespace {

// The quote an ICMP error carries: the offending packet's IPv4 header and
// its first 8 L4 bytes.
Bytes quoteOf(const Bytes& frame) { return Bytes(frame.begin() + 14, frame.begin() + 14 + 28); }

bool quotedHeaderChecksumValid(const PacketView& v) {
    const auto& b = v.bytes();
    std::uint32_t sum = 0;
    for (std::size_t i = 42; i < 62; i += 2) sum += (std::uint32_t(b[i]) << 8) | b[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum == 0xffff;
}

std::string quotedAddress(const PacketView& v, std::size_t at) {
    const auto& b = v.bytes();
    return std::to_string(b[at]) + "." + std::to_string(b[at + 1]) + "." + std::to_string(b[at + 2]) + "." +
           std::to_string(b[at + 3]);
}

std::uint16_t quotedPort(const PacketView& v, std::size_t at) { return std::uint16_t(v.bytes()[at] << 8 | v.bytes()[at + 1]); }

}  // namespace

// A local backend's port unreachable about a ClusterIP flow reaches the
// client as the frontend's: outer source and quote name the ClusterIP, so
// the client's socket gets ECONNREFUSED.
TEST(ExternalService, AnIcmpErrorFromABackendIsTranslatedBackToTheFrontend) {
    n.publish(frontendOf(kVip, 53, L4Protocol::Udp), {1, 1, {}, 0},
              {{1, backendAt(kPodB, 5353, true, L4Protocol::Udp)}});
    auto request = n.fromPod(n.hostA, clientUdp(kClientPort, kVip, 53));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, request);

    auto error = PacketBuilder().eth(kMacPodB, kMacHostB).ipv4(kPodB, kPodA).icmpError(3, 3)
                     .payload(quoteOf(request.output)).build();
    auto run = n.fromPod(n.hostB, error);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);  // delivered to pod A
    PacketView out(run.output);
    STRCMP_EQUAL(kVip, out.ipv4Src().c_str());
    STRCMP_EQUAL(kPodA, out.ipv4Dst().c_str());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());  // the ICMP checksum over the rewritten quote
    CHECK_TRUE(quotedHeaderChecksumValid(out));
    STRCMP_EQUAL(kPodA, quotedAddress(out, 42 + 12).c_str());
    STRCMP_EQUAL(kVip, quotedAddress(out, 42 + 16).c_str());
    LONGS_EQUAL(kClientPort, quotedPort(out, 62));
    LONGS_EQUAL(53, quotedPort(out, 64));
    LONGS_EQUAL(1, n.stat("reverse_translated"));
}

// The same for a masqueraded flow: the error reaches the node's address,
// and goes on to the outside client with the client's own tuple quoted.
TEST(ExternalService, AnIcmpErrorAboutAMasqueradedFlowFindsTheOutsideClient) {
    FrontendFlags cluster;
    cluster.masquerade = true;
    n.publish(externalOf(kNodeIp, 30053, L4Protocol::Udp), FrontendValue{1, 1, cluster, 0},
              {{1, backendAt(kPodElsewhere, 5353, false, L4Protocol::Udp)}});
    auto query = PacketBuilder().eth(kMacClient, kMacExt).ipv4(kFarClient, kNodeIp).udp(kExtClientPort, 30053)
                     .payload("query").build();
    auto request = fromNetdev(query);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, request);
    const std::uint16_t natPort = PacketView(request.output).srcPort();

    // A router between the nodes says the backend's host is unreachable.
    auto error = PacketBuilder().eth(kMacClient, kMacExt).ipv4("192.168.50.254", kNodeIp).icmpError(3, 1)
                     .payload(quoteOf(request.output)).build();
    auto run = fromNetdev(error);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);  // routed to the client
    PacketView out(run.output);
    STRCMP_EQUAL("192.168.50.254", out.ipv4Src().c_str());  // a router keeps its own address
    STRCMP_EQUAL(kFarClient, out.ipv4Dst().c_str());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    CHECK_TRUE(quotedHeaderChecksumValid(out));
    STRCMP_EQUAL(kFarClient, quotedAddress(out, 42 + 12).c_str());
    STRCMP_EQUAL(kNodeIp, quotedAddress(out, 42 + 16).c_str());
    LONGS_EQUAL(kExtClientPort, quotedPort(out, 62));
    LONGS_EQUAL(30053, quotedPort(out, 64));
    CHECK_TRUE(natPort != kExtClientPort);
}

// An ICMP error about nothing we translated, and an echo, pass untouched.
TEST(ExternalService, OtherIcmpPassesUntouched) {
    auto echo = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodElsewhere).icmpEcho(7, 1).build();
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, echo));
    auto unrelated = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodElsewhere).icmpError(3, 3)
                         .payload(quoteOf(clientUdp(1234, kPodElsewhere, 99))).build();
    auto run = n.fromPod(n.hostA, unrelated);
    CHECK_TC_ACTION(TC_ACT_OK, run);
    CHECK_TRUE(run.output == unrelated);
    LONGS_EQUAL(0, n.stat("reverse_translated"));
}
