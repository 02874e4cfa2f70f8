// The typed service tables over the real maps: what list() reads back, the
// slot state a flip leaves, restart adoption, erasing a set, and refusals.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include "datapath/service_codec.h"
#include "service_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendEntry;
using datapath::FrontendFlags;
using datapath::L4Protocol;

TEST_GROUP(ServiceTables) {
    ServiceNode n;
    void setup() override { n.build(); }
    void teardown() override { n.node.reset(); }
};

TEST(ServiceTables, FrontendsReadBackWithTheirSlotState) {
    FrontendFlags flags;
    flags.affinity = true;
    flags.rejectWithoutBackend = true;
    flags.masquerade = true;
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}}, flags, 300);
    auto v6 = datapath::FrontendKey{ipOf("fd00::10"), 443, L4Protocol::Udp, datapath::ServiceScope::External};
    CHECK_TRUE(n.dp().services().upsert(v6, {9, 9, {}, 0}).ok());

    auto listed = n.dp().services().list();
    CHECK_TRUE(listed.ok());
    LONGS_EQUAL(2, listed->size());
    const auto& cluster = listed->at(frontendOf(kVip, kVipPort));
    LONGS_EQUAL(1, cluster.value.serviceId);
    LONGS_EQUAL(300, cluster.value.affinityTimeoutSeconds);
    CHECK_TRUE(cluster.value.flags == flags);
    LONGS_EQUAL(2, cluster.backendCount);
    LONGS_EQUAL(1, cluster.activeHalf);  // the first set went to half 1
    LONGS_EQUAL(0, listed->at(v6).backendCount);

    auto set = n.dp().services().backendSet(1);
    CHECK_TRUE(set.ok());
    CHECK_TRUE(*set == std::vector<datapath::BackendId>({1, 2}));
}

TEST(ServiceTables, AFlipSwitchesHalvesAndCleansTheOldOne) {
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}, {3, backendAt(kPodA)}});
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {3}).ok());
    auto entry = n.dp().services().list()->at(frontendOf(kVip, kVipPort));
    LONGS_EQUAL(0, entry.activeHalf);
    LONGS_EQUAL(1, entry.backendCount);
    auto maps = n.dp().maps();
    CHECK_TRUE(maps.ok());
    for (const auto& m : *maps)
        if (m.name == NP_MAP_BACKEND_SLOTS) LONGS_EQUAL(1, m.entries);  // the old half's 3 are gone
}

TEST(ServiceTables, ASetWrittenBeforeItsFrontendIsPickedUp) {
    CHECK_TRUE(n.dp().backends().upsert(5, backendAt(kPodB)).ok());
    CHECK_TRUE(n.dp().services().replaceBackendSet(4, {5}).ok());
    CHECK_TRUE(n.dp().services().upsert(frontendOf("10.96.0.44", 80), {4, 4, {}, 0}).ok());
    CHECK_TRUE(n.dp().revNat().upsert(4, {ipOf("10.96.0.44"), 80}).ok());
    auto run = n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, "10.96.0.44", 80));
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Dst().c_str());
}

TEST(ServiceTables, ARestartedDaemonAdoptsTheSlotState) {
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}});
    datapath::Options options;
    options.bpffs = n.node->bpffs() + "/nodeplane";
    auto restarted = datapath::Datapath::open(options);
    CHECK_TRUE(restarted.ok());
    auto set = restarted->services().backendSet(1);
    CHECK_TRUE(set.ok());
    CHECK_TRUE(*set == std::vector<datapath::BackendId>({1, 2}));
    // Its next flip writes the half the predecessor left idle.
    CHECK_TRUE(restarted->services().replaceBackendSet(1, {2}).ok());
    LONGS_EQUAL(0, restarted->services().list()->at(frontendOf(kVip, kVipPort)).activeHalf);
    STRCMP_EQUAL(kPodC, PacketView(n.fromPod(n.hostA, clientTcp()).output).ipv4Dst().c_str());
}

TEST(ServiceTables, ErasingASetEmptiesItsFrontendsFirst) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    CHECK_TRUE(n.dp().services().eraseBackendSet(1).ok());
    LONGS_EQUAL(0, n.dp().services().list()->at(frontendOf(kVip, kVipPort)).backendCount);
    CHECK_TRUE(n.dp().services().backendSet(1)->empty());
    CHECK_TC_ACTION(TC_ACT_SHOT, n.fromPod(n.hostA, clientTcp()));
    CHECK_TRUE(n.dp().services().erase(frontendOf(kVip, kVipPort)).ok());
    CHECK_TRUE(n.dp().services().erase(frontendOf(kVip, kVipPort)).ok());  // already gone
    CHECK_TRUE(n.dp().services().list()->empty());
}

TEST(ServiceTables, RefusesBadBackendIdsAndOversizedSets) {
    CHECK_FALSE(n.dp().services().replaceBackendSet(1, {0}).ok());
    CHECK_FALSE(n.dp().services().replaceBackendSet(1, {0x80000000u}).ok());
    CHECK_FALSE(n.dp().services().replaceBackendSet(1, std::vector<datapath::BackendId>(65536, 1)).ok());
    CHECK_FALSE(n.dp().backends().upsert(0, backendAt(kPodB)).ok());
}

TEST(ServiceTables, BackendsAndRevNatReadBack) {
    auto b = backendAt("fd00::b", 443, false, L4Protocol::Udp);
    b.terminating = true;
    CHECK_TRUE(n.dp().backends().upsert(11, b).ok());
    CHECK_TRUE(n.dp().revNat().upsert(12, {ipOf("10.96.0.1"), 443}).ok());
    auto backends = n.dp().backends().list();
    CHECK_TRUE(backends.ok());
    CHECK_TRUE(backends->at(11) == b);
    auto rev = n.dp().revNat().list();
    CHECK_TRUE(rev.ok());
    STRCMP_EQUAL("10.96.0.1", rev->at(12).address.toString().c_str());
    LONGS_EQUAL(443, rev->at(12).port);
    CHECK_TRUE(n.dp().revNat().erase(12).ok());
    CHECK_TRUE(n.dp().revNat().list()->empty());
}

TEST(ServiceTables, TheCodecWritesNetworkOrderAndZeroedPadding) {
    auto key = datapath::encodeFrontendKey(frontendOf(kVip, 0x1234, L4Protocol::Udp));
    LONGS_EQUAL(NP_FAMILY_IPV4, key.family);
    LONGS_EQUAL(17, key.protocol);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&key);
    LONGS_EQUAL(0x12, bytes[4]);
    LONGS_EQUAL(0x34, bytes[5]);
    LONGS_EQUAL(10, bytes[8]);
    LONGS_EQUAL(96, bytes[9]);
    for (std::size_t i = 12; i < sizeof(key); ++i) LONGS_EQUAL(0, bytes[i]);
    LONGS_EQUAL(0, key.pad);
    LONGS_EQUAL(0, key.pad2);
}
