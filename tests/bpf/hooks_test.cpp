// to_pod, from_netdev and to_netdev: for now they parse, count and pass.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include <memory>

#include "packet_test_support.h"
#include "support/counters.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

TEST_GROUP(PassingHooks) {
    std::unique_ptr<DatapathFixture> node;
    int hostA = 0;
    int external = 0;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            hostA = node->addInterface("np-pod-a");
            external = node->addInterface("np-ext");
        });
    }
    void teardown() override { node.reset(); }

    datapath::DatapathStats& stats() { return node->datapath().stats(); }

    // Runs the program on IPv4, ARP and IPv6 frames; each must pass untouched.
    void passesEverything(Program program, int ifindex, const char* ipv4Stat) {
        auto ipv4 = PacketBuilder().eth(kMacHostA, kMacPodA).ipv4("192.168.50.7", kPodA, 61).tcp(443, 40000).build();
        auto arp = PacketBuilder().eth(kMacHostA, "ff:ff:ff:ff:ff:ff")
                       .arpRequest(parseMac(kMacHostA), "192.168.50.7", kPodA).build();
        auto v6 = PacketBuilder().eth(kMacHostA, kMacPodA).ipv6("fd00::1", "fd00::a").tcp(443, 40000).build();
        for (const auto* frame : {&ipv4, &arp, &v6}) {
            auto run = runOn(*node, program, ifindex, *frame);
            CHECK_TC_ACTION(TC_ACT_OK, run);
            CHECK_TRUE(run.output == *frame);
        }
        auto counted = statCounter(stats(), ipv4Stat);
        LONGS_EQUAL(1, counted.packets);
        LONGS_EQUAL(ipv4.size(), counted.bytes);
        LONGS_EQUAL(1, statCounter(stats(), "passed_non_ip").packets);
        LONGS_EQUAL(1, statCounter(stats(), "passed_ipv6").packets);
    }
};

TEST(PassingHooks, ToPodCountsEgressAndPasses) {
    passesEverything(Program::ToPod, hostA, "delivered_to_pod");
    auto counters = stats().interfaceCounters(hostA);
    CHECK_TRUE(counters.ok());
    LONGS_EQUAL(3, counters->txPackets);
    LONGS_EQUAL(0, counters->rxPackets);
}

TEST(PassingHooks, FromNetdevCountsIngressAndHandsToTheStack) {
    passesEverything(Program::FromNetdev, external, "to_stack");
    auto counters = stats().interfaceCounters(external);
    CHECK_TRUE(counters.ok());
    LONGS_EQUAL(3, counters->rxPackets);
    LONGS_EQUAL(0, counters->txPackets);
}

TEST(PassingHooks, ToNetdevCountsEgressAndPasses) {
    passesEverything(Program::ToNetdev, external, "to_netdev");
    auto counters = stats().interfaceCounters(external);
    CHECK_TRUE(counters.ok());
    LONGS_EQUAL(3, counters->txPackets);
}

TEST(PassingHooks, EveryHookDropsMalformedIpv4) {
    // Total length past the end of the frame: the tail was lost.
    auto cut = PacketBuilder().eth(kMacHostA, kMacPodA).ipv4("192.168.50.7", kPodA).tcp(443, 40000)
                   .truncateTo(14 + 20 + 10).build();
    CHECK_TC_ACTION(TC_ACT_SHOT, runOn(*node, Program::ToPod, hostA, cut));
    CHECK_TC_ACTION(TC_ACT_SHOT, runOn(*node, Program::FromNetdev, external, cut));
    CHECK_TC_ACTION(TC_ACT_SHOT, runOn(*node, Program::ToNetdev, external, cut));
    LONGS_EQUAL(3, dropCounter(stats(), "malformed").packets);
}

TEST_GROUP(IfaceStatsFull) {
    std::unique_ptr<DatapathFixture> node;
    void setup() override {
        datapath::Options small;
        small.maxInterfaces = 1;  // two entries: one interface, both directions
        node = orFail([&] { return std::make_unique<DatapathFixture>(small); });
    }
    void teardown() override { node.reset(); }
};

TEST(IfaceStatsFull, CountsWhatTheFullMapCouldNotHold) {
    int a = orFail([&] { return node->addInterface("np-pod-a"); });
    int b = orFail([&] { return node->addInterface("np-pod-b"); });
    auto frame = PacketBuilder().eth(kMacHostA, kMacPodA).ipv4("192.168.50.7", kPodA).udp(1, 2).build();
    runOn(*node, Program::ToPod, a, frame);
    runOn(*node, Program::FromNetdev, a, frame);
    // The packet still passes; only its interface counters are missing.
    CHECK_TC_ACTION(TC_ACT_OK, runOn(*node, Program::ToPod, b, frame));

    auto& stats = node->datapath().stats();
    LONGS_EQUAL(1, statCounter(stats, "iface_stats_full").packets);
    LONGS_EQUAL(0, stats.interfaceCounters(b)->txPackets);
    LONGS_EQUAL(1, stats.interfaceCounters(a)->txPackets);
    LONGS_EQUAL(1, stats.interfaceCounters(a)->rxPackets);
}
