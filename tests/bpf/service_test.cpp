// ClusterIP translation in from_pod / to_pod against the shipped object, maps
// filled through the typed tables: DNAT of a flow's first packet, established
// flows, reverse translation, affinity, backend set flips, removed backends,
// UDP, no backends, source ranges, what passes untranslated.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "service_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Backend;
using datapath::BackendId;
using datapath::FrontendFlags;
using datapath::L4Protocol;

namespace {

// Which backend address a translated packet went to, for a client port.
std::string translatedTo(ServiceNode& n, std::uint16_t sport) {
    auto run = n.fromPod(n.hostA, clientTcp(sport));
    if (run.retval == static_cast<std::uint32_t>(TC_ACT_SHOT)) return "dropped";
    return PacketView(run.output).ipv4Dst();
}

}  // namespace

TEST_GROUP(ClusterIp) {
    ServiceNode n;
    void setup() override { n.build(); }
    void teardown() override { n.node.reset(); }
};

TEST(ClusterIp, TranslatesTheFirstPacketToALocalBackend) {
    n.publishClusterIp({{7, backendAt(kPodB)}});
    auto frame = clientTcp();
    auto run = n.fromPod(n.hostA, frame);

    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);  // local backend: straight to its host end
    PacketView out(run.output);
    LONGS_EQUAL(frame.size(), out.size());
    STRCMP_EQUAL(kPodA, out.ipv4Src().c_str());
    LONGS_EQUAL(kClientPort, out.srcPort());
    STRCMP_EQUAL(kPodB, out.ipv4Dst().c_str());
    LONGS_EQUAL(kBackendPort, out.dstPort());
    LONGS_EQUAL(63, out.ttl());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());

    LONGS_EQUAL(1, n.stat("service_translated"));
    LONGS_EQUAL(1, n.stat("ct_created"));
    LONGS_EQUAL(1, n.stat("forwarded_local"));

    auto ct = n.dp().conntrack().list();
    CHECK_TRUE(ct.ok());
    LONGS_EQUAL(2, ct->size());
    std::set<std::string> lines;
    for (const auto& e : *ct) {
        LONGS_EQUAL(7, e.backendId);
        LONGS_EQUAL(1, e.revNatId);
        CHECK_TRUE(e.lastSeenNs >= e.createdNs && e.createdNs > 0);
        lines.insert(datapath::formatConntrackEntry(e));
    }
    CHECK_TRUE(lines.count("tcp 10.200.1.10:40000 -> 10.96.0.10:80 original backend 7 rev-nat 1 flags S") == 1);
    CHECK_TRUE(lines.count("tcp 10.200.1.11:8080 -> 10.200.1.10:40000 reply backend 7 rev-nat 1") == 1);
}

TEST(ClusterIp, SendsTranslatedPacketsForARemoteBackendToTheStack) {
    n.publishClusterIp({{3, backendAt("10.200.2.20", 9090, false)}});
    auto run = n.fromPod(n.hostA, clientTcp());
    CHECK_TC_ACTION(TC_ACT_OK, run);
    PacketView out(run.output);
    STRCMP_EQUAL("10.200.2.20", out.ipv4Dst().c_str());
    LONGS_EQUAL(9090, out.dstPort());
    LONGS_EQUAL(64, out.ttl());  // the stack routes it and decrements
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("to_stack"));
}

TEST(ClusterIp, ChecksumsStayValidOverManyTuples) {
    // Different ports and payloads move the checksums through their carries.
    n.publishClusterIp({{1, backendAt(kPodB, 65535)}, {2, backendAt("10.200.2.20", 1, false)}});
    for (std::uint16_t sport = 1024; sport < 1024 + 300; ++sport) {
        auto run = n.fromPod(n.hostA, clientTcp(sport, tcp_flags::kSyn));
        PacketView out(run.output);
        CHECK_TEXT(out.ipv4ChecksumValid(), ("IPv4 checksum, port " + std::to_string(sport)).c_str());
        CHECK_TEXT(out.l4ChecksumValid(), ("TCP checksum, port " + std::to_string(sport)).c_str());
    }
}

TEST(ClusterIp, SpreadsNewFlowsOverEveryBackend) {
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}, {3, backendAt("10.200.2.20", 8080, false)}});
    std::map<std::string, int> seen;
    for (std::uint16_t sport = 30000; sport < 30300; ++sport) ++seen[translatedTo(n, sport)];
    LONGS_EQUAL(3, seen.size());
    for (const auto& [backend, count] : seen)
        CHECK_TEXT(count > 50, (backend + " got " + std::to_string(count) + " of 300").c_str());
}

TEST(ClusterIp, EstablishedFlowsKeepTheirBackendAcrossSetChanges) {
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}});
    std::map<std::uint16_t, std::string> first;
    for (std::uint16_t sport = 20000; sport < 20040; ++sport) first[sport] = translatedTo(n, sport);

    // A third backend and a new order: new flows hash differently, old ones
    // must not move.
    CHECK_TRUE(n.dp().backends().upsert(3, backendAt("10.200.2.20", 8080, false)).ok());
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {3, 2, 1}).ok());
    for (const auto& [sport, backend] : first) {
        auto run = n.fromPod(n.hostA, clientTcp(sport, tcp_flags::kAck));
        STRCMP_EQUAL_TEXT(backend.c_str(), PacketView(run.output).ipv4Dst().c_str(),
                          ("client port " + std::to_string(sport)).c_str());
    }
    LONGS_EQUAL(40, n.stat("ct_created"));
    LONGS_EQUAL(80, n.stat("service_translated"));
}

TEST(ClusterIp, RecordsTcpFlagsAndClosingInConntrack) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn));
    n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kAck | tcp_flags::kFin));
    auto ct = n.dp().conntrack().list();
    CHECK_TRUE(ct.ok());
    bool found = false;
    for (const auto& e : *ct) {
        if (e.direction != datapath::ConntrackDirection::Original) continue;
        found = true;
        LONGS_EQUAL(tcp_flags::kSyn | tcp_flags::kAck | tcp_flags::kFin, e.tcpFlags);
        CHECK_TRUE(e.closing);
    }
    CHECK_TRUE(found);
}

TEST(ClusterIp, ReverseTranslatesALocalBackendsReplyInFromPod) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());

    auto reply = backendTcpReply(kPodB);
    auto run = n.fromPod(n.hostB, reply);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);  // back to pod A's host end
    PacketView out(run.output);
    STRCMP_EQUAL(kVip, out.ipv4Src().c_str());
    LONGS_EQUAL(kVipPort, out.srcPort());
    STRCMP_EQUAL(kPodA, out.ipv4Dst().c_str());
    LONGS_EQUAL(kClientPort, out.dstPort());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("reverse_translated"));

    // to_pod of the client then leaves it alone: it is no reply tuple any more.
    auto delivered = n.toPod(n.hostA, run.output);
    CHECK_TC_ACTION(TC_ACT_OK, delivered);
    CHECK_TRUE(delivered.output == run.output);
    LONGS_EQUAL(1, n.stat("reverse_translated"));
}

TEST(ClusterIp, ReverseTranslatesARemoteBackendsReplyInToPod) {
    n.publishClusterIp({{1, backendAt("10.200.2.20", 9090, false)}});
    n.fromPod(n.hostA, clientTcp());

    // The reply came back through the node's stack into pod A's host end.
    auto reply = PacketBuilder().eth(kMacHostA, kMacPodA).ipv4("10.200.2.20", kPodA, 62)
                     .tcp(9090, kClientPort, tcp_flags::kSyn | tcp_flags::kAck).build();
    auto run = n.toPod(n.hostA, reply);
    CHECK_TC_ACTION(TC_ACT_OK, run);
    PacketView out(run.output);
    STRCMP_EQUAL(kVip, out.ipv4Src().c_str());
    LONGS_EQUAL(kVipPort, out.srcPort());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(1, n.stat("reverse_translated"));
    LONGS_EQUAL(1, n.stat("delivered_to_pod"));
}

TEST(ClusterIp, OnlyABackendAddressIsLookedUpAsAReply) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());
    // Backend 1 gone (its flows not cut yet): B's address is in no backend,
    // so its packets are no replies and the REPLY entry is not even looked up.
    CHECK_TRUE(n.dp().backends().erase(1).ok());
    auto run = n.fromPod(n.hostB, backendTcpReply(kPodB));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Src().c_str());
    LONGS_EQUAL(0, n.stat("reverse_translated"));
    // A backend at that address again: the same reply is translated.
    CHECK_TRUE(n.dp().backends().upsert(1, backendAt(kPodB)).ok());
    STRCMP_EQUAL(kVip, PacketView(n.fromPod(n.hostB, backendTcpReply(kPodB)).output).ipv4Src().c_str());
    LONGS_EQUAL(1, n.stat("reverse_translated"));
}

TEST(ClusterIp, APureSynIsNobodysReply) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());
    // The reply tuple, but a SYN without ACK: a new connection from B.
    auto run = n.fromPod(n.hostB, backendTcpReply(kPodB, kBackendPort, kClientPort, tcp_flags::kSyn));
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Src().c_str());
    LONGS_EQUAL(0, n.stat("reverse_translated"));
}

TEST(ClusterIp, LeavesTrafficThatIsNoReplyAlone) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());
    // Pod B to pod A from another port: not the flow's reply.
    auto other = backendTcpReply(kPodB, 8081);
    auto run = n.fromPod(n.hostB, other);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Src().c_str());
    LONGS_EQUAL(0, n.stat("reverse_translated"));
}

TEST(ClusterIp, ADirectConnectionOnAReusedTupleIsNotReverseTranslated) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());  // A:kClientPort -> VIP, translated to B
    // The client port comes round again, this time straight to pod B.
    auto direct = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB)
                      .tcp(kClientPort, kBackendPort, tcp_flags::kSyn).build();
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, direct));
    // B's answer must reach A as B's, not as the VIP's: A would reset it.
    auto run = n.fromPod(n.hostB, backendTcpReply(kPodB));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Src().c_str());
    LONGS_EQUAL(kBackendPort, PacketView(run.output).srcPort());
    LONGS_EQUAL(0, n.stat("reverse_translated"));
}

TEST(ClusterIp, ClientIpAffinityKeepsAClientOnOneBackend) {
    FrontendFlags flags;
    flags.affinity = true;
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}, {3, backendAt("10.200.2.20", 8080, false)}},
                       flags, 10800);
    std::set<std::string> seen;
    for (std::uint16_t sport = 30000; sport < 30100; ++sport) seen.insert(translatedTo(n, sport));
    LONGS_EQUAL(1, seen.size());
    LONGS_EQUAL(100, n.stat("ct_created"));  // each is its own flow, all to one backend

    // Once that backend is gone, the client is placed anew and sticks again.
    const std::string first = *seen.begin();
    auto backends = n.dp().backends().list();
    CHECK_TRUE(backends.ok());
    for (const auto& [id, backend] : *backends)
        if (backend.address.toString() == first) CHECK_TRUE(n.dp().backends().erase(id).ok());
    std::set<std::string> after;
    for (std::uint16_t sport = 31000; sport < 31050; ++sport) after.insert(translatedTo(n, sport));
    LONGS_EQUAL(1, after.size());
    CHECK_TRUE(*after.begin() != first);
}

TEST(ClusterIp, AffinityDoesNotFollowABackendThatTurnedTerminating) {
    FrontendFlags flags;
    flags.affinity = true;
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}}, flags, 10800);
    const std::string first = translatedTo(n, 30000);
    const datapath::BackendId firstId = first == kPodB ? 1 : 2;
    // The pod shuts down: its backend stays in the map for its established
    // flows, flagged terminating, and leaves the set new connections use.
    auto held = backendAt(first.c_str());
    held.terminating = true;
    const datapath::BackendId otherId = firstId == 1 ? 2 : 1;
    n.publishClusterIp({{otherId, backendAt(first == kPodB ? kPodC : kPodB)}}, flags, 10800);
    CHECK_TRUE(n.dp().backends().upsert(firstId, held).ok());
    std::set<std::string> after;
    for (std::uint16_t sport = 31000; sport < 31020; ++sport) after.insert(translatedTo(n, sport));
    LONGS_EQUAL(1, after.size());
    CHECK_TRUE(*after.begin() != first);
}

TEST(ClusterIp, AnExpiredAffinityNoLongerHolds) {
    FrontendFlags flags;
    flags.affinity = true;
    // A timeout of 0 s: every remembered choice is already too old.
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}}, flags, 0);
    std::set<std::string> seen;
    for (std::uint16_t sport = 30000; sport < 30100; ++sport) seen.insert(translatedTo(n, sport));
    LONGS_EQUAL(2, seen.size());
}

// The RST a host without the connection would send (RFC 9293 3.10.7.1),
// from the frontend, back out of the client's host end.
void checkResetFromFrontend(const TestRunResult& run, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    LONGS_EQUAL(14 + 20 + 20, out.size());
    CHECK_TRUE(out.ethDst() == parseMac(kMacPodA));
    CHECK_TRUE(out.ethSrc() == parseMac(kMacHostA));
    LONGS_EQUAL(6, out.protocol());
    STRCMP_EQUAL(kVip, out.ipv4Src().c_str());
    STRCMP_EQUAL(kPodA, out.ipv4Dst().c_str());
    LONGS_EQUAL(kVipPort, out.srcPort());
    LONGS_EQUAL(kClientPort, out.dstPort());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    auto be32 = [&](std::size_t at) {
        const auto& b = out.bytes();
        return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
    };
    LONGS_EQUAL(seq, be32(34 + 4));
    LONGS_EQUAL(ack, be32(34 + 8));
    LONGS_EQUAL(flags, out.bytes()[34 + 13]);
}

Bytes clientSegment(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack) {
    return PacketBuilder()
        .eth(kMacPodA, kMacHostA)
        .ipv4(kPodA, kVip)
        .tcp(kClientPort, kVipPort, flags)
        .tcpNumbers(seq, ack)
        .payload("GET /")
        .build();
}

TEST(ClusterIp, ATcpFlowWhoseBackendIsGoneIsReset) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());
    CHECK_TRUE(n.dp().backends().erase(1).ok());
    CHECK_TRUE(n.dp().backends().upsert(2, backendAt(kPodC)).ok());
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {2}).ok());

    // An ACK segment: the RST takes its sequence number from SEG.ACK.
    auto run = n.fromPod(n.hostA, clientSegment(tcp_flags::kAck, 0x01020304, 0xa0b0c0d0));
    checkResetFromFrontend(run, 0xa0b0c0d0, 0, tcp_flags::kRst);
    LONGS_EQUAL(1, n.stat("service_reset"));
    // A RST is never answered with a RST.
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientSegment(tcp_flags::kRst, 5, 0)));
    LONGS_EQUAL(1, n.drop("backend_gone"));
    // A new connection goes to the remaining backend.
    STRCMP_EQUAL(kPodC, translatedTo(n, kClientPort + 1).c_str());
    // Once the daemon forgets the dead backend's flows, the old tuple is a new flow.
    auto erased = n.dp().conntrack().eraseByBackend(1);
    CHECK_TRUE(erased.ok());
    LONGS_EQUAL(2, *erased);
    STRCMP_EQUAL(kPodC, translatedTo(n, kClientPort).c_str());
}

TEST(ClusterIp, AUdpFlowWhoseBackendIsGoneMovesOn) {
    n.publish(frontendOf(kVip, 53, L4Protocol::Udp), {1, 1, {}, 0},
              {{1, backendAt(kPodB, 5353, true, L4Protocol::Udp)}});
    auto first = n.fromPod(n.hostA, clientUdp(kClientPort, kVip, 53));
    STRCMP_EQUAL(kPodB, PacketView(first.output).ipv4Dst().c_str());
    CHECK_TRUE(n.dp().backends().erase(1).ok());
    CHECK_TRUE(n.dp().backends().upsert(2, backendAt(kPodC, 5353, true, L4Protocol::Udp)).ok());
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {2}).ok());

    auto again = n.fromPod(n.hostA, clientUdp(kClientPort, kVip, 53));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, again);
    STRCMP_EQUAL(kPodC, PacketView(again.output).ipv4Dst().c_str());
    LONGS_EQUAL(1, n.stat("ct_reselected"));
    LONGS_EQUAL(0, n.drop("backend_gone"));
}

TEST(ClusterIp, TranslatesUdpBothWays) {
    n.publish(frontendOf(kVip, 53, L4Protocol::Udp), {1, 1, {}, 0},
              {{1, backendAt(kPodB, 5353, true, L4Protocol::Udp)}});
    auto run = n.fromPod(n.hostA, clientUdp(kClientPort, kVip, 53));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    STRCMP_EQUAL(kPodB, out.ipv4Dst().c_str());
    LONGS_EQUAL(5353, out.dstPort());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());

    auto reply = PacketBuilder().eth(kMacPodB, kMacHostB).ipv4(kPodB, kPodA).udp(5353, kClientPort).payload("answer").build();
    auto back = n.fromPod(n.hostB, reply);
    PacketView rev(back.output);
    STRCMP_EQUAL(kVip, rev.ipv4Src().c_str());
    LONGS_EQUAL(53, rev.srcPort());
    CHECK_TRUE(rev.l4ChecksumValid());
    // The TCP frontend on the same address and port is another service.
    CHECK_TC_ACTION(TC_ACT_OK, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kVip, 53)));
    LONGS_EQUAL(1, n.stat("service_translated"));
}

TEST(ClusterIp, AUdpDatagramWithoutChecksumKeepsNone) {
    n.publish(frontendOf(kVip, 53, L4Protocol::Udp), {1, 1, {}, 0},
              {{1, backendAt(kPodB, 5353, true, L4Protocol::Udp)}});
    auto frame = clientUdp(kClientPort, kVip, 53);
    frame[14 + 20 + 6] = 0;  // UDP checksum 0: "none" (RFC 768)
    frame[14 + 20 + 7] = 0;
    auto run = n.fromPod(n.hostA, frame);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    LONGS_EQUAL(0, run.output[14 + 20 + 6]);
    LONGS_EQUAL(0, run.output[14 + 20 + 7]);
    CHECK_TRUE(PacketView(run.output).ipv4ChecksumValid());
}

TEST(ClusterIp, DropsWithoutBackendsWhenTheActionIsDrop) {
    n.publishClusterIp({});
    // The service's UDP port: a frontend of its own, same service.
    CHECK_TRUE(n.dp().services().upsert(frontendOf(kVip, kVipPort, L4Protocol::Udp), {1, 1, {}, 0}).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp()));
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientUdp()));
    LONGS_EQUAL(2, n.drop("no_backend"));
    LONGS_EQUAL(0, n.stat("ct_created"));
    auto ct = n.dp().conntrack().list();
    CHECK_TRUE(ct.ok());
    LONGS_EQUAL(0, ct->size());
}

// A frontend without endpoints refuses as a host without the port does:
// UDP with an ICMP port unreachable from the frontend (kube-proxy's REJECT),
// sent back out of the client's host end; TCP with a RST (below).
TEST(ClusterIp, RejectsUdpWithoutBackendsWithPortUnreachable) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishClusterIp({}, reject);
    CHECK_TRUE(n.dp().services().upsert(frontendOf(kVip, kVipPort, L4Protocol::Udp), {1, 1, reject, 0}).ok());
    auto frame = clientUdp();
    auto run = n.fromPod(n.hostA, frame);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    LONGS_EQUAL(14 + 20 + 8 + 28, out.size());
    CHECK_TRUE(out.ethDst() == parseMac(kMacPodA));  // back to the pod
    CHECK_TRUE(out.ethSrc() == parseMac(kMacHostA));
    LONGS_EQUAL(0x0800, out.ethType());
    LONGS_EQUAL(1, out.protocol());  // ICMP
    STRCMP_EQUAL(kVip, out.ipv4Src().c_str());
    STRCMP_EQUAL(kPodA, out.ipv4Dst().c_str());
    LONGS_EQUAL(64, out.ttl());
    LONGS_EQUAL(14 + 20 + 8 + 28 - 14, out.totalLength());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    LONGS_EQUAL(3, out.bytes()[34]);  // destination unreachable
    LONGS_EQUAL(3, out.bytes()[35]);  // port unreachable
    // The quote: the client's IPv4 header and first 8 L4 bytes, untouched.
    for (std::size_t i = 0; i < 28; ++i)
        LONGS_EQUAL_TEXT(frame[14 + i], out.bytes()[42 + i], ("quoted byte " + std::to_string(i)).c_str());
    LONGS_EQUAL(1, n.stat("service_rejected"));
    LONGS_EQUAL(0, n.drop("no_backend"));
}

TEST(ClusterIp, RejectsTcpWithoutBackendsWithReset) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishClusterIp({}, reject);
    // A SYN with 5 bytes of data: SEG.LEN counts them and the SYN.
    auto run = n.fromPod(n.hostA, clientSegment(tcp_flags::kSyn, 0xfffffffe, 0));
    checkResetFromFrontend(run, 0, 0xfffffffe + 5 + 1, tcp_flags::kRst | tcp_flags::kAck);
    // A segment of a connection opened before the endpoints went.
    run = n.fromPod(n.hostA, clientSegment(tcp_flags::kAck | tcp_flags::kPsh, 100, 7777));
    checkResetFromFrontend(run, 7777, 0, tcp_flags::kRst);
    LONGS_EQUAL(2, n.stat("service_reset"));
    LONGS_EQUAL(0, n.stat("service_rejected"));
    // With backends again, the same frontend translates.
    CHECK_TRUE(n.dp().backends().upsert(1, backendAt(kPodB)).ok());
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {1}).ok());
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort + 9)));
    LONGS_EQUAL(1, n.stat("service_translated"));
}

TEST(ClusterIp, RejectDropsWhatItCannotQuoteWhole) {
    FrontendFlags reject;
    reject.rejectWithoutBackend = true;
    n.publishClusterIp({}, reject);
    auto withOptions = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kVip)
                           .ipv4Options({0x01, 0x01, 0x01, 0x00}).tcp(kClientPort, kVipPort).build();
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, withOptions));
    LONGS_EQUAL(1, n.drop("no_backend"));
}

TEST(ClusterIp, ChecksTheSourceRanges) {
    FrontendFlags flags;
    flags.sourceRanges = true;
    n.publishClusterIp({{1, backendAt(kPodB)}}, flags);
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp()));
    LONGS_EQUAL(1, n.drop("source_range_denied"));

    auto range = IpPrefix::parse("10.200.1.0/24");
    CHECK_TRUE(range.has_value());
    CHECK_TRUE(n.dp().sourceRanges().insert(1, *range).ok());
    CHECK_TRUE(n.dp().sourceRanges().insert(2, *IpPrefix::parse("0.0.0.0/0")).ok());  // another frontend's
    auto listed = n.dp().sourceRanges().list();
    CHECK_TRUE(listed.ok());
    LONGS_EQUAL(2, listed->size());
    CHECK_TRUE(listed->count({1, *range}) == 1);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp()));

    CHECK_TRUE(n.dp().sourceRanges().erase(1, *range).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp(kClientPort + 1)));
    LONGS_EQUAL(2, n.drop("source_range_denied"));
}

TEST(ClusterIp, RefusesAnSctpFrontend) {
    n.publish(frontendOf(kVip, kVipPort, L4Protocol::Sctp), {1, 1, {}, 0},
              {{1, backendAt(kPodB, kBackendPort, true, L4Protocol::Sctp)}});
    // A UDP-shaped datagram relabelled SCTP: the ports sit where SCTP's do
    // (made with the builder, then IPv4 protocol byte 23 set to 132).
    auto frame = clientUdp();
    frame[14 + 9] = 132;
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, frame));
    LONGS_EQUAL(1, n.drop("unsupported_l4"));
}

TEST(ClusterIp, PassesIcmpToTheFrontendUntranslated) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    auto ping = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kVip).icmpEcho(7, 1).build();
    auto run = n.fromPod(n.hostA, ping);
    CHECK_TC_ACTION(TC_ACT_OK, run);
    CHECK_TRUE(run.output == ping);
    LONGS_EQUAL(0, n.stat("service_translated"));
}

TEST(ClusterIp, AStaleEntryOfAReplacedFrontendIsIgnored) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    n.fromPod(n.hostA, clientTcp());
    // The same VIP now belongs to another service (rev-NAT 2, backend C).
    n.publish(frontendOf(kVip, kVipPort), {2, 2, {}, 0}, {{2, backendAt(kPodC)}});
    STRCMP_EQUAL(kPodC, translatedTo(n, kClientPort).c_str());
}

TEST(ClusterIp, FlushEmptiesConntrack) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    for (std::uint16_t sport = 100; sport < 110; ++sport) n.fromPod(n.hostA, clientTcp(sport));
    auto flushed = n.dp().conntrack().flush();
    CHECK_TRUE(flushed.ok());
    LONGS_EQUAL(20, *flushed);
    LONGS_EQUAL(0, n.dp().conntrack().list()->size());
}

// The two-half flip under load: one thread keeps swapping the service
// between two backend sets of different sizes while packets of new flows
// keep arriving. Every packet must find a backend of one of the two sets.
TEST(ClusterIp, ABackendSetFlipNeverShowsAnEmptyOrPartialSet) {
    std::vector<std::pair<BackendId, Backend>> all;
    const char* addrs[] = {"10.200.2.1", "10.200.2.2", "10.200.2.3", "10.200.2.4", "10.200.2.5",
                           "10.200.2.6", "10.200.2.7", "10.200.2.8"};
    for (BackendId id = 1; id <= 8; ++id) all.push_back({id, backendAt(addrs[id - 1], 8080, false)});
    n.publishClusterIp(all);
    const std::vector<BackendId> small = {1, 2, 3};
    const std::vector<BackendId> large = {4, 5, 6, 7, 8};

    std::atomic<bool> stop{false};
    std::atomic<int> flips{0};
    std::atomic<bool> flipFailed{false};
    std::thread flipper([&] {
        while (!stop.load()) {
            bool ok = n.dp().services().replaceBackendSet(1, flips.load() % 2 ? small : large).ok();
            if (!ok) flipFailed = true;
            ++flips;
        }
    });
    std::map<std::string, int> seen;
    int dropped = 0;
    // Until enough flips happened under the packets (each waits for a grace
    // period, milliseconds), bounded in case flipping stalls.
    for (std::uint32_t i = 0; i < 400000 && (i < 5000 || flips.load() < 30); ++i) {
        auto frame = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kVip)
                         .tcp(static_cast<std::uint16_t>(1024 + i % 60000), kVipPort).build();
        // Nearly every packet a new flow: a fresh source port each time
        // until the ports wrap.
        auto run = n.fromPod(n.hostA, frame);
        if (run.retval == static_cast<std::uint32_t>(TC_ACT_SHOT)) ++dropped;
        else ++seen[PacketView(run.output).ipv4Dst()];
    }
    stop = true;
    flipper.join();
    CHECK_FALSE(flipFailed.load());
    CHECK_TEXT(flips.load() >= 30, ("only " + std::to_string(flips.load()) + " flips").c_str());
    LONGS_EQUAL(0, dropped);
    LONGS_EQUAL(0, n.drop("no_backend"));
    LONGS_EQUAL(8, seen.size());  // both sets were live at some point
    for (const auto& [dst, count] : seen)
        CHECK_TEXT(dst.rfind("10.200.2.", 0) == 0, dst.c_str());
}
