// The typed service tables over the real maps: what list() reads back, the
// slot state a flip leaves, restart adoption, erasing a set, and refusals.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>

#include "common/unique_fd.h"

#include "datapath/address_filter.h"
#include "datapath/service_codec.h"
#include "service_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::FrontendEntry;
using datapath::FrontendFlags;
using datapath::L4Protocol;

namespace {

// A pinned map of the node's datapath.
UniqueFd pinnedMap(ServiceNode& n, const char* name) {
    UniqueFd fd(::bpf_obj_get((n.node->bpffs() + "/nodeplane/maps/" + name).c_str()));
    CHECK_TRUE(fd.valid());
    return fd;
}

// The frontend as the pinned map holds it, slot range included.
np_service_value rawFrontend(ServiceNode& n, const datapath::FrontendKey& key) {
    UniqueFd fd = pinnedMap(n, NP_MAP_SERVICES);
    const auto rawKey = datapath::encodeFrontendKey(key);
    np_service_value raw{};
    CHECK_EQUAL(0, ::bpf_map_lookup_elem(fd.get(), &rawKey, &raw));
    return raw;
}

}  // namespace

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

TEST(ServiceTables, AFlipSwitchesHalvesAndFreesTheOldRange) {
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodC)}, {3, backendAt(kPodA)}});
    const auto before = rawFrontend(n, frontendOf(kVip, kVipPort));
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {2}).ok());
    auto entry = n.dp().services().list()->at(frontendOf(kVip, kVipPort));
    LONGS_EQUAL(0, entry.activeHalf);
    LONGS_EQUAL(1, entry.backendCount);
    CHECK_TRUE(*n.dp().services().backendSet(1) == std::vector<datapath::BackendId>({2}));
    STRCMP_EQUAL(kPodC, PacketView(n.fromPod(n.hostA, clientTcp()).output).ipv4Dst().c_str());
    // The old range was freed: the next set of the same size takes it again.
    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {1, 2, 3}).ok());
    const auto after = rawFrontend(n, frontendOf(kVip, kVipPort));
    LONGS_EQUAL(3, after.backend_count);
    LONGS_EQUAL(before.slot_base, after.slot_base);
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

// Backend ids that share an index of the (here 8-entry) backend array.
TEST_GROUP(BackendSpill) {
    ServiceNode n;
    void setup() override {
        datapath::Options options;
        options.maxBackends = 8;
        n.build(options);
    }
    void teardown() override { n.node.reset(); }

    std::uint32_t arrayIdAt(std::uint32_t index) {
        np_backend raw{};
        CHECK_EQUAL(0, ::bpf_map_lookup_elem(pinnedMap(n, NP_MAP_BACKENDS).get(), &index, &raw));
        return raw.id;
    }
    bool spillEmpty() {
        std::uint32_t next = 0;
        return ::bpf_map_get_next_key(pinnedMap(n, NP_MAP_BACKEND_SPILL).get(), nullptr, &next) != 0;
    }
};

TEST(BackendSpill, AnIdWhoseIndexIsTakenIsFoundAndMovesBackWhenItFrees) {
    // 3 and 11 both have index 3: the second one spills.
    n.publishClusterIp({{3, backendAt(kPodB)}, {11, backendAt(kPodC)}});
    LONGS_EQUAL(3, arrayIdAt(3));
    CHECK_FALSE(spillEmpty());
    auto listed = n.dp().backends().list();
    CHECK_TRUE(listed.ok());
    LONGS_EQUAL(2, listed->size());
    STRCMP_EQUAL(kPodC, listed->at(11).address.toString().c_str());

    CHECK_TRUE(n.dp().services().replaceBackendSet(1, {11}).ok());
    STRCMP_EQUAL(kPodC, PacketView(n.fromPod(n.hostA, clientTcp()).output).ipv4Dst().c_str());
    // 3 goes: 11 takes its own index and leaves the spill map.
    CHECK_TRUE(n.dp().backends().erase(3).ok());
    LONGS_EQUAL(11, arrayIdAt(3));
    CHECK_TRUE(spillEmpty());
    auto established = n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kAck));
    STRCMP_EQUAL(kPodC, PacketView(established.output).ipv4Dst().c_str());
    LONGS_EQUAL(1, n.dp().backends().list()->size());
    // And once 11 goes too, its flow is reset, not sent anywhere.
    CHECK_TRUE(n.dp().backends().erase(11).ok());
    LONGS_EQUAL(0, arrayIdAt(3));
    auto gone = n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kAck));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, gone);
    LONGS_EQUAL(1, n.stat("service_reset"));
    CHECK_TRUE(n.dp().backends().list()->empty());
}

TEST(BackendSpill, AChangedBackendIsRewrittenInPlaceAndASpilledOneErased) {
    n.publishClusterIp({{5, backendAt(kPodB)}});
    CHECK_TRUE(n.dp().backends().upsert(13, backendAt(kPodC)).ok());  // spills behind 5
    // Same id, new port: still one entry, at its index.
    CHECK_TRUE(n.dp().backends().upsert(5, backendAt(kPodB, 9090)).ok());
    LONGS_EQUAL(5, arrayIdAt(5));
    auto run = n.fromPod(n.hostA, clientTcp());
    STRCMP_EQUAL(kPodB, PacketView(run.output).ipv4Dst().c_str());
    LONGS_EQUAL(9090, PacketView(run.output).dstPort());
    CHECK_TRUE(n.dp().backends().erase(13).ok());
    CHECK_TRUE(spillEmpty());
    LONGS_EQUAL(5, arrayIdAt(5));
    CHECK_TRUE(n.dp().backends().erase(13).ok());  // already gone
}

// The address filters: the bit of every frontend (np_service_addrs_v1) and
// backend (np_backend_addrs_v1) address, kept in step with the tables.
TEST_GROUP(AddressFilter) {
    ServiceNode n;
    void setup() override { n.build(); }
    void teardown() override { n.node.reset(); }

    bool bitSet(const char* address, const char* map = NP_MAP_SERVICE_ADDRS) {
        const auto bit = datapath::addressFilterBit(ipOf(address));
        CHECK_TRUE(bit.has_value());
        std::uint32_t word = *bit / 64;
        std::uint64_t bits = 0;
        CHECK_EQUAL(0, ::bpf_map_lookup_elem(pinnedMap(n, map).get(), &word, &bits));
        return (bits >> (*bit % 64)) & 1;
    }
};

TEST(AddressFilter, AFrontendAddressIsInWhileAnyOfItsFrontendsIs) {
    CHECK_FALSE(bitSet(kVip));
    n.publishClusterIp({{1, backendAt(kPodB)}});
    CHECK_TRUE(bitSet(kVip));
    // A second port of the same address, then the first goes: still in.
    CHECK_TRUE(n.dp().services().upsert(frontendOf(kVip, 443), {1, 1, {}, 0}).ok());
    CHECK_TRUE(n.dp().services().upsert(frontendOf(kVip, 443), {1, 1, {}, 0}).ok());  // rewritten, not counted twice
    CHECK_TRUE(n.dp().services().erase(frontendOf(kVip, kVipPort)).ok());
    CHECK_TRUE(bitSet(kVip));
    STRCMP_EQUAL(kPodB, PacketView(n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kSyn, kVip, 443)).output)
                            .ipv4Dst()
                            .c_str());
    CHECK_TRUE(n.dp().services().erase(frontendOf(kVip, 443)).ok());
    CHECK_FALSE(bitSet(kVip));
    // With no bit the address is plain traffic: untranslated, to the stack.
    auto run = n.fromPod(n.hostA, clientTcp(kClientPort + 1, tcp_flags::kSyn, kVip, 443));
    CHECK_TC_ACTION(TC_ACT_OK, run);
    STRCMP_EQUAL(kVip, PacketView(run.output).ipv4Dst().c_str());
}

TEST(AddressFilter, ARestartedDaemonKeepsTheBitsItFinds) {
    n.publishClusterIp({{1, backendAt(kPodB)}});
    datapath::Options options;
    options.bpffs = n.node->bpffs() + "/nodeplane";
    auto restarted = datapath::Datapath::open(options);
    CHECK_TRUE(restarted.ok());
    CHECK_TRUE(restarted->services().erase(frontendOf(kVip, kVipPort)).ok());
    CHECK_FALSE(bitSet(kVip));
    CHECK_TRUE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
    CHECK_TRUE(restarted->backends().erase(1).ok());
    CHECK_FALSE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
}

TEST(AddressFilter, ABackendAddressIsInWhileAnyOfItsBackendsIs) {
    CHECK_FALSE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
    n.publishClusterIp({{1, backendAt(kPodB)}, {2, backendAt(kPodB, 9090)}});
    CHECK_TRUE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
    CHECK_TRUE(n.dp().backends().upsert(2, backendAt(kPodB, 9090)).ok());  // rewritten, not counted twice
    CHECK_TRUE(n.dp().backends().erase(2).ok());
    CHECK_TRUE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
    // Backend 1 moves to C: B's bit goes, C's comes.
    CHECK_TRUE(n.dp().backends().upsert(1, backendAt(kPodC)).ok());
    CHECK_FALSE(bitSet(kPodB, NP_MAP_BACKEND_ADDRS));
    CHECK_TRUE(bitSet(kPodC, NP_MAP_BACKEND_ADDRS));
    CHECK_TRUE(n.dp().backends().erase(1).ok());
    CHECK_TRUE(n.dp().backends().erase(1).ok());  // already gone
    CHECK_FALSE(bitSet(kPodC, NP_MAP_BACKEND_ADDRS));
}
