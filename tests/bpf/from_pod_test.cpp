// from_pod against the shipped object: anti-spoofing, local delivery, TTL,
// hand-off to the stack, unhandled protocols, malformed frames, counters.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include <cerrno>
#include <memory>

#include "packet_test_support.h"
#include "support/counters.h"
#include "support/packet_view.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

TEST_GROUP(FromPod) {
    std::unique_ptr<DatapathFixture> node;
    int hostA = 0;
    int hostB = 0;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            hostA = node->addInterface("np-pod-a");
            hostB = node->addInterface("np-pod-b");
        });
        auto& endpoints = node->datapath().localEndpoints();
        CHECK_TRUE(endpoints.upsert(ipOf(kPodA), {static_cast<std::uint32_t>(hostA), 1, 0, 0}).ok());
        CHECK_TRUE(endpoints.upsert(ipOf(kPodB), {static_cast<std::uint32_t>(hostB), 2, 0, 0}).ok());
    }
    void teardown() override { node.reset(); }

    TestRunResult fromPodA(const Bytes& frame) { return runOn(*node, Program::FromPod, hostA, frame); }
    datapath::DatapathStats& stats() { return node->datapath().stats(); }
};

TEST(FromPod, DeliversToALocalPodWithTtlDecrementedAndChecksumFixed) {
    auto frame = tcpFrame(kPodA, kPodB, 64);
    auto run = fromPodA(frame);

    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    PacketView out(run.output);
    LONGS_EQUAL(frame.size(), out.size());
    LONGS_EQUAL(63, out.ttl());
    CHECK_TRUE(out.ipv4ChecksumValid());
    CHECK_TRUE(out.l4ChecksumValid());
    // Nothing but TTL (byte 22) and the header checksum (24, 25) changed; the
    // MACs are the neighbour subsystem's job after the redirect.
    for (std::size_t i = 0; i < frame.size(); ++i)
        if (i != 22 && i != 24 && i != 25) LONGS_EQUAL_TEXT(frame[i], out.bytes()[i], ("byte " + std::to_string(i)).c_str());

    auto forwarded = statCounter(stats(), "forwarded_local");
    LONGS_EQUAL(1, forwarded.packets);
    LONGS_EQUAL(frame.size(), forwarded.bytes);
}

TEST(FromPod, ChecksumStaysValidAcrossTheCarry) {
    // TTL 1 -> 0 is dropped, so walk the TTLs that are forwarded: each one
    // changes the checksum word differently, including end-around carries.
    for (int ttl = 2; ttl <= 255; ++ttl) {
        auto run = fromPodA(tcpFrame(kPodA, kPodB, static_cast<std::uint8_t>(ttl)));
        CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
        PacketView out(run.output);
        LONGS_EQUAL(ttl - 1, out.ttl());
        CHECK_TEXT(out.ipv4ChecksumValid(), ("checksum after TTL " + std::to_string(ttl)).c_str());
    }
}

TEST(FromPod, ForwardsHeadersWithOptionsAndEthernetPadding) {
    auto withOptions = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB)
                           .ipv4Options({0x01, 0x01, 0x01, 0x00}).udp(5000, 53).build();
    auto run = fromPodA(withOptions);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, run);
    CHECK_TRUE(PacketView(run.output).ipv4ChecksumValid());

    // Short frames are padded to 60 bytes on the wire; the padding is not a
    // length mismatch.
    auto padded = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB).udp(5000, 53).build();
    padded.resize(60, 0);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromPodA(padded));
}

TEST(FromPod, DropsTtlThatWouldReachZero) {
    for (std::uint8_t ttl : {std::uint8_t{1}, std::uint8_t{0}}) {
        auto run = fromPodA(tcpFrame(kPodA, kPodB, ttl));
        CHECK_TC_ACTION(TC_ACT_SHOT, run);
    }
    LONGS_EQUAL(2, dropCounter(stats(), "ttl_exceeded").packets);
    LONGS_EQUAL(0, statCounter(stats(), "forwarded_local").packets);
}

TEST(FromPod, DropsASourceThatIsNoLocalEndpoint) {
    auto frame = tcpFrame("10.200.1.99", kPodB);
    auto run = fromPodA(frame);
    CHECK_TC_ACTION(TC_ACT_SHOT, run);
    auto spoofed = dropCounter(stats(), "spoofed_source");
    LONGS_EQUAL(1, spoofed.packets);
    LONGS_EQUAL(frame.size(), spoofed.bytes);
}

TEST(FromPod, DropsAPodImpersonatingAnotherPod) {
    // Pod B's address is a local endpoint, but not one behind pod A's host end.
    CHECK_TC_ACTION(TC_ACT_SHOT, fromPodA(tcpFrame(kPodB, kPodElsewhere)));
    LONGS_EQUAL(1, dropCounter(stats(), "spoofed_source").packets);
    // The same packet from pod B's own host end is fine.
    CHECK_TC_ACTION(TC_ACT_OK, runOn(*node, Program::FromPod, hostB, tcpFrame(kPodB, kPodElsewhere)));
}

TEST(FromPod, DropsSpoofingOnceTheEndpointIsGone) {
    CHECK_TRUE(node->datapath().localEndpoints().erase(ipOf(kPodA)).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, fromPodA(tcpFrame(kPodA, kPodB)));
    LONGS_EQUAL(1, dropCounter(stats(), "spoofed_source").packets);
}

TEST(FromPod, HandsNonLocalDestinationsToTheStackUntouched) {
    for (const char* dst : {kPodElsewhere, "192.168.50.2", "8.8.8.8"}) {
        auto frame = tcpFrame(kPodA, dst);
        auto run = fromPodA(frame);
        CHECK_TC_ACTION(TC_ACT_OK, run);
        CHECK_TRUE(run.output == frame);
    }
    LONGS_EQUAL(3, statCounter(stats(), "to_stack").packets);
}

TEST(FromPod, PassesArpAndIpv6) {
    auto arp = PacketBuilder().eth(kMacPodA, "ff:ff:ff:ff:ff:ff")
                   .arpRequest(parseMac(kMacPodA), kPodA, "169.254.1.1").build();
    CHECK_TC_ACTION(TC_ACT_OK, fromPodA(arp));
    auto v6 = PacketBuilder().eth(kMacPodA, kMacHostA).ipv6("fd00::a", "fd00::b").udp(1, 2).build();
    CHECK_TC_ACTION(TC_ACT_OK, fromPodA(v6));

    LONGS_EQUAL(1, statCounter(stats(), "passed_non_ip").packets);
    LONGS_EQUAL(arp.size(), statCounter(stats(), "passed_non_ip").bytes);
    LONGS_EQUAL(1, statCounter(stats(), "passed_ipv6").packets);
    LONGS_EQUAL(0, dropCounter(stats(), "spoofed_source").packets);
}

TEST(FromPod, DropsMalformedIpv4AndCountsIt) {
    auto base = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB).udp(5000, 53).payload("dns?");
    const Bytes frames[] = {
        PacketBuilder(base).ipv4HeaderWords(4).build(),      // IHL below the minimum
        PacketBuilder(base).ipv4HeaderWords(15).build(),     // IHL past the packet's end
        PacketBuilder(base).ipv4TotalLength(400).build(),    // total length beyond the frame
        PacketBuilder(base).ipv4TotalLength(19).build(),     // total length inside the header
        PacketBuilder(base).ipv4Version(6).build(),          // IPv6 version under an IPv4 ethertype
        PacketBuilder(base).truncateTo(14 + 20 + 4).build(), // cut inside the UDP header
    };
    std::uint64_t bytes = 0;
    for (const auto& frame : frames) {
        CHECK_TC_ACTION(TC_ACT_SHOT, fromPodA(frame));
        bytes += frame.size();
    }
    auto malformed = dropCounter(stats(), "malformed");
    LONGS_EQUAL(std::size(frames), malformed.packets);
    LONGS_EQUAL(bytes, malformed.bytes);
    LONGS_EQUAL(0, statCounter(stats(), "forwarded_local").packets);
}

TEST(FromPod, DropsACutIpv4Header) {
    auto cut = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB).udp(5000, 53).truncateTo(14 + 10).build();
    auto run = testRun(node->datapath().programFd(Program::FromPod), cut,
                       SkbContext{static_cast<std::uint32_t>(hostA), static_cast<std::uint32_t>(hostA), 0});
    if (!run && run.error().errnum == EINVAL) {
        // Newer kernels (seen on 6.18) validate the L3 header while building
        // the test skb and refuse this frame before the program runs, so the
        // case is only reachable here on kernels that do not (6.1).
        UT_PRINT("kernel refuses to build a test skb with a cut IPv4 header; case not reachable here");
        return;
    }
    CHECK_TRUE(run.ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, *run);
    LONGS_EQUAL(1, dropCounter(stats(), "malformed").packets);
}

TEST(FromPod, CountsPacketsAndBytesPerInterface) {
    auto small = tcpFrame(kPodA, kPodB);
    auto large = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodElsewhere).udp(1, 2)
                     .payload(std::string(1000, 'x')).build();
    auto spoofed = tcpFrame("10.9.9.9", kPodB);
    fromPodA(small);
    fromPodA(large);
    fromPodA(spoofed);  // drops count too: they arrived
    runOn(*node, Program::FromPod, hostB, tcpFrame(kPodB, kPodA));

    auto a = stats().interfaceCounters(hostA);
    CHECK_TRUE(a.ok());
    LONGS_EQUAL(3, a->rxPackets);
    LONGS_EQUAL(small.size() + large.size() + spoofed.size(), a->rxBytes);
    LONGS_EQUAL(0, a->txPackets);
    auto b = stats().interfaceCounters(hostB);
    CHECK_TRUE(b.ok());
    LONGS_EQUAL(1, b->rxPackets);

    CHECK_TRUE(stats().forgetInterface(hostA).ok());
    auto forgotten = stats().interfaceCounters(hostA);
    CHECK_TRUE(forgotten.ok());
    LONGS_EQUAL(0, forgotten->rxPackets);
    LONGS_EQUAL(1, stats().interfaceCounters(hostB)->rxPackets);
}
