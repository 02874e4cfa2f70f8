// Datapath::open against a real bpffs: refusal of other filesystems, pinning,
// adoption of a previous daemon's maps, size changes, and the typed maps.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "common/unique_fd.h"
#include "datapath/abi.h"
#include "datapath/address_filter.h"
#include "packet_test_support.h"
#include "support/bpffs_mount.h"
#include "support/counters.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Datapath;
using datapath::LocalEndpoint;
using datapath::Program;

namespace {

datapath::Datapath openOrFail(const datapath::Options& options) {
    auto opened = Datapath::open(options);
    if (!opened) FAIL(opened.error().message.c_str());
    return std::move(*opened);
}

std::uint32_t idOf(int fd) {
    bpf_prog_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(fd, &info, &len) != 0) FAIL("cannot inspect a program");
    return info.id;
}

std::uint32_t pinnedProgramId(const std::string& path) {
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) FAIL(("nothing pinned at " + path).c_str());
    return idOf(fd.get());
}

const datapath::MapInfo& mapNamed(const std::vector<datapath::MapInfo>& maps, const std::string& name) {
    for (const auto& m : maps)
        if (m.name == name) return m;
    FAIL(("no map named " + name).c_str());
    return maps.front();
}

// Whether the pinned filter map `name` has the bit of `address`.
bool filterHas(const std::string& bpffs, const char* name, const IpAddress& address) {
    UniqueFd fd(::bpf_obj_get((bpffs + "/maps/" + name).c_str()));
    if (!fd.valid()) FAIL((std::string("nothing pinned as ") + name).c_str());
    const std::uint32_t bit = *datapath::addressFilterBit(address);
    const std::uint32_t word = bit / 64;
    std::uint64_t bits = 0;
    if (::bpf_map_lookup_elem(fd.get(), &word, &bits) != 0) FAIL("cannot read a filter word");
    return (bits >> (bit % 64)) & 1;
}

}  // namespace

TEST_GROUP(DatapathOpen) {
    std::unique_ptr<BpffsMount> bpffs;
    datapath::Options options;

    void setup() override {
        bpffs = orFail([] { return std::make_unique<BpffsMount>(); });
        options.bpffs = bpffs->path() + "/node-a";  // created by open(), below the mount
        options.maxLocalEndpoints = 1024;
        options.maxInterfaces = 16;
        options.maxServices = 100;
        options.maxBackends = 200;
        options.maxBackendSlots = 300;
        options.maxConntrack = 400;
        options.maxAffinity = 500;
        options.maxSourceRanges = 600;
        options.maxIpcache = 700;
        options.maxPolicyEntries = 800;
    }
    void teardown() override { bpffs.reset(); }
};

TEST(DatapathOpen, RefusesADirectoryThatIsNotOnBpffs) {
    char dir[] = "/tmp/np-notbpf-XXXXXX";
    CHECK_TRUE(::mkdtemp(dir) != nullptr);
    datapath::Options onTmp = options;
    onTmp.bpffs = std::string(dir) + "/nodeplane";
    auto opened = Datapath::open(onTmp);
    struct stat st {};
    const bool created = ::stat(onTmp.bpffs.c_str(), &st) == 0;
    ::rmdir(onTmp.bpffs.c_str());
    ::rmdir(dir);

    CHECK_FALSE(opened.ok());
    const auto& message = opened.error().message;
    CHECK_TEXT(message.find("is not on a bpf filesystem") != std::string::npos, message.c_str());
    CHECK_TEXT(message.find(onTmp.bpffs) != std::string::npos, message.c_str());
    CHECK_FALSE_TEXT(created, "open() created the directory on the wrong filesystem");
}

TEST(DatapathOpen, RefusesZeroSizes) {
    datapath::Options zero = options;
    zero.maxLocalEndpoints = 0;
    CHECK_FALSE(Datapath::open(zero).ok());
    zero = options;
    zero.maxInterfaces = 0;
    CHECK_FALSE(Datapath::open(zero).ok());
    for (auto field : {&datapath::Options::maxServices, &datapath::Options::maxBackends,
                       &datapath::Options::maxBackendSlots, &datapath::Options::maxConntrack,
                       &datapath::Options::maxAffinity, &datapath::Options::maxSourceRanges,
                       &datapath::Options::maxIpcache, &datapath::Options::maxPolicyEntries}) {
        zero = options;
        zero.*field = 0;
        auto opened = Datapath::open(zero);
        CHECK_FALSE(opened.ok());
        CHECK_TEXT(opened.error().message.find("must be at least 1") != std::string::npos,
                   opened.error().message.c_str());
    }
}

TEST(DatapathOpen, PinsMapsAndProgramsUnderTheDirectory) {
    auto dp = openOrFail(options);
    for (auto program : {Program::FromPod, Program::ToPod, Program::FromNetdev, Program::ToNetdev}) {
        const std::string path = options.bpffs + "/progs/" + std::string(datapath::programName(program));
        LONGS_EQUAL(idOf(dp.programFd(program)), pinnedProgramId(path));
    }
    auto maps = dp.maps();
    CHECK_TRUE(maps.ok());
    LONGS_EQUAL(25, maps->size());  // 23 pinned, the two event maps not
    // The event ring lives with this daemon: listed, unpinned, its size in
    // bytes, and nothing waiting in it while reporting is off.
    const auto& ring = mapNamed(*maps, NP_MAP_EVENTS);
    STRCMP_EQUAL("ringbuf", ring.type.c_str());
    STRCMP_EQUAL("", ring.pinPath.c_str());
    LONGS_EQUAL(options.eventsRingBytes, ring.maxEntries);
    LONGS_EQUAL(0, ring.entries);
    STRCMP_EQUAL("", mapNamed(*maps, NP_MAP_EVENTS_CONFIG).pinPath.c_str());
    const auto& endpoints = mapNamed(*maps, NP_MAP_LOCAL_ENDPOINTS);
    STRCMP_EQUAL((options.bpffs + "/maps/" NP_MAP_LOCAL_ENDPOINTS).c_str(), endpoints.pinPath.c_str());
    STRCMP_EQUAL("hash", endpoints.type.c_str());
    LONGS_EQUAL(1024, endpoints.maxEntries);
    LONGS_EQUAL(0, endpoints.entries);
    const auto& ifaceStats = mapNamed(*maps, NP_MAP_IFACE_STATS);
    STRCMP_EQUAL("percpu_hash", ifaceStats.type.c_str());
    LONGS_EQUAL(32, ifaceStats.maxEntries);  // two directions per interface
    LONGS_EQUAL(NP_STATS_MAX_ENTRIES, mapNamed(*maps, NP_MAP_STATS).entries);
    LONGS_EQUAL(NP_DROPS_MAX_ENTRIES, mapNamed(*maps, NP_MAP_DROPS).maxEntries);
    // The service maps, sized from the options.
    const std::pair<const char*, std::pair<const char*, std::uint32_t>> serviceMaps[] = {
        {NP_MAP_SERVICES, {"hash", options.maxServices}},
        {NP_MAP_REV_NAT, {"hash", options.maxServices}},
        {NP_MAP_BACKENDS, {"array", options.maxBackends}},
        {NP_MAP_BACKEND_SPILL, {"hash", options.maxBackends}},
        {NP_MAP_BACKEND_SLOTS, {"array", options.maxBackendSlots}},
        {NP_MAP_SERVICE_ADDRS, {"array", NP_ADDR_FILTER_WORDS}},
        {NP_MAP_BACKEND_ADDRS, {"array", NP_ADDR_FILTER_WORDS}},
        {NP_MAP_ENDPOINT_ADDRS, {"array", NP_ADDR_FILTER_WORDS}},
        {NP_MAP_ISOLATED_ADDRS, {"array", NP_ADDR_FILTER_WORDS}},
        {NP_MAP_CLUSTER_IP_RANGES, {"array", 1}},
        {NP_MAP_CONNTRACK, {"lru_hash", options.maxConntrack}},
        {NP_MAP_AFFINITY, {"lru_hash", options.maxAffinity}},
        {NP_MAP_SOURCE_RANGES, {"lpm_trie", options.maxSourceRanges}},
        {NP_MAP_SOCK_REV, {"lru_hash", options.maxSocketReverse}},
        {NP_MAP_IPCACHE, {"lpm_trie", options.maxIpcache}},
        {NP_MAP_POLICY, {"lpm_trie", options.maxPolicyEntries}}};
    const auto& nat = mapNamed(*maps, NP_MAP_NAT_CONFIG);
    STRCMP_EQUAL("array", nat.type.c_str());
    LONGS_EQUAL(1, nat.maxEntries);
    auto masquerade = dp.masqueradeAddress();
    CHECK_TRUE(masquerade.ok() && !masquerade->has_value());  // none until the daemon knows the node
    CHECK_TRUE(dp.setMasqueradeAddress(ipOf("192.168.50.2")).ok());
    STRCMP_EQUAL("192.168.50.2", dp.masqueradeAddress()->value().toString().c_str());
    CHECK_FALSE(dp.setMasqueradeAddress(ipOf("fd00::2")).ok());  // IPv4 only for now
    const auto& policyConfig = mapNamed(*maps, NP_MAP_POLICY_CONFIG);
    STRCMP_EQUAL("array", policyConfig.type.c_str());
    LONGS_EQUAL(0, *dp.policyRevision());  // 0 until the daemon writes its first policy
    CHECK_TRUE(dp.setPolicyRevision(41).ok());
    LONGS_EQUAL(41, *dp.policyRevision());
    for (const auto& [name, expected] : serviceMaps) {
        const auto& map = mapNamed(*maps, name);
        STRCMP_EQUAL_TEXT(expected.first, map.type.c_str(), name);
        LONGS_EQUAL_TEXT(expected.second, map.maxEntries, name);
        // An array has all its entries, always.
        LONGS_EQUAL_TEXT(std::string(expected.first) == "array" ? expected.second : 0, map.entries, name);
        STRCMP_EQUAL((options.bpffs + "/maps/" + name).c_str(), map.pinPath.c_str());
    }

    CHECK_TRUE(dp.localEndpoints().upsert(ipOf(kPodA), {7, 1, 0, 0}).ok());
    CHECK_TRUE(dp.localEndpoints().upsert(ipOf("fd00::a"), {7, 1, 0, 0}).ok());
    LONGS_EQUAL(2, mapNamed(*dp.maps(), NP_MAP_LOCAL_ENDPOINTS).entries);
}

TEST(DatapathOpen, ASecondOpenAdoptsThePinnedMaps) {
    std::optional<Datapath> first(openOrFail(options));
    CHECK_TRUE(first->localEndpoints().upsert(ipOf(kPodA), {7, 42, 0, 0}).ok());
    const auto firstMapId = mapNamed(*first->maps(), NP_MAP_LOCAL_ENDPOINTS).id;
    const auto firstProgramId = idOf(first->programFd(Program::FromPod));

    // Both alive: the restarted daemon starts before the old one is gone.
    auto second = openOrFail(options);
    LONGS_EQUAL(firstMapId, mapNamed(*second.maps(), NP_MAP_LOCAL_ENDPOINTS).id);
    auto listed = second.localEndpoints().list();
    CHECK_TRUE(listed.ok());
    LONGS_EQUAL(1, listed->size());
    CHECK_TRUE((LocalEndpoint{7, 42, 0, 0}) == listed->at(ipOf(kPodA)));

    // The pins now name the new programs; the old daemon's handles closing
    // changes nothing for what is pinned.
    const std::string pin = options.bpffs + "/progs/np_from_pod";
    CHECK_TRUE(firstProgramId != idOf(second.programFd(Program::FromPod)));
    LONGS_EQUAL(idOf(second.programFd(Program::FromPod)), pinnedProgramId(pin));
    first.reset();
    LONGS_EQUAL(1, second.localEndpoints().list()->size());
    LONGS_EQUAL(idOf(second.programFd(Program::FromPod)), pinnedProgramId(pin));
}

// The endpoint filters follow every write, and a daemon that finds
// endpoints without their filters (pinned by a version that had none) sets
// their bits before its programs can run.
TEST(DatapathOpen, EndpointFiltersFollowTheTableAndAreRebuiltOnOpen) {
    const IpAddress plain = ipOf(kPodA), isolated = ipOf(kPodB);
    {
        auto dp = openOrFail(options);
        CHECK_TRUE(dp.localEndpoints().upsert(plain, {7, 1, 0, 0}).ok());
        CHECK_TRUE(dp.localEndpoints().upsert(isolated, {8, 2, 0, NP_ENDPOINT_F_INGRESS_ISOLATED}).ok());
        CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, plain));
        CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, isolated));
        CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, plain));
        CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, isolated));
        // No longer isolated, then gone.
        CHECK_TRUE(dp.localEndpoints().upsert(isolated, {8, 2, 0, 0}).ok());
        CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, isolated));
        CHECK_TRUE(dp.localEndpoints().erase(isolated).ok());
        CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, isolated));
        CHECK_TRUE(dp.localEndpoints().upsert(isolated, {8, 2, 0, NP_ENDPOINT_F_EGRESS_ISOLATED}).ok());
    }
    for (const char* name : {NP_MAP_ENDPOINT_ADDRS, NP_MAP_ISOLATED_ADDRS})
        CHECK_EQUAL(0, ::unlink((options.bpffs + "/maps/" + name).c_str()));
    auto dp = openOrFail(options);
    CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, plain));
    CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, isolated));
    CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, plain));
    CHECK_TRUE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, isolated));
    // The adopted entries are known: erasing one clears its bits.
    CHECK_TRUE(dp.localEndpoints().erase(isolated).ok());
    CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ISOLATED_ADDRS, isolated));
    CHECK_FALSE(filterHas(options.bpffs, NP_MAP_ENDPOINT_ADDRS, isolated));
}

TEST(DatapathOpen, CountersSurviveARestart) {
    auto netns = orFail([] { return ScopedNetns::create(); });
    EnterNetns inside(netns);
    int host = orFail([&] { return addVethPair(netns, "np-pod-a", "np-pod-a-p"); });
    {
        auto first = openOrFail(options);
        auto frame = tcpFrame(kPodA, kPodB);
        auto run = testRun(first.programFd(Program::FromPod), frame,
                           SkbContext{static_cast<std::uint32_t>(host), static_cast<std::uint32_t>(host), 0});
        CHECK_TRUE(run.ok());
    }
    auto second = openOrFail(options);
    LONGS_EQUAL(1, dropCounter(second.stats(), "spoofed_source").packets);
    LONGS_EQUAL(1, second.stats().interfaceCounters(host)->rxPackets);
}

TEST(DatapathOpen, ASizeChangeReplacesOnlyThatMap) {
    {
        auto first = openOrFail(options);
        CHECK_TRUE(first.localEndpoints().upsert(ipOf(kPodA), {7, 1, 0, 0}).ok());
    }
    const auto statsId = [&] {
        auto dp = openOrFail(options);
        return mapNamed(*dp.maps(), NP_MAP_STATS).id;
    }();

    datapath::Options bigger = options;
    bigger.maxLocalEndpoints = 2048;
    auto second = openOrFail(bigger);
    auto maps = second.maps();
    CHECK_TRUE(maps.ok());
    LONGS_EQUAL(2048, mapNamed(*maps, NP_MAP_LOCAL_ENDPOINTS).maxEntries);
    LONGS_EQUAL(1, second.localEndpoints().list()->size());  // migrated (tests/unit/datapath)
    LONGS_EQUAL(statsId, mapNamed(*maps, NP_MAP_STATS).id);    // untouched maps are adopted

    // And the new map is pinned, so the next start adopts it in turn.
    CHECK_TRUE(second.localEndpoints().upsert(ipOf(kPodB), {8, 2, 0, 0}).ok());
    auto third = openOrFail(bigger);
    LONGS_EQUAL(2, third.localEndpoints().list()->size());
}

TEST_GROUP(LocalEndpointTable) {
    std::unique_ptr<BpffsMount> bpffs;
    std::optional<Datapath> dp;

    void setup() override {
        bpffs = orFail([] { return std::make_unique<BpffsMount>(); });
        datapath::Options options;
        options.bpffs = bpffs->path();
        options.maxLocalEndpoints = 64;
        dp.emplace(openOrFail(options));
    }
    void teardown() override {
        dp.reset();
        bpffs.reset();
    }
};

TEST(LocalEndpointTable, ListsWhatWasWrittenInBothFamilies) {
    auto& table = dp->localEndpoints();
    CHECK_TRUE(table.upsert(ipOf("10.200.1.10"), {3, 10, 0, 0}).ok());
    CHECK_TRUE(table.upsert(ipOf("fd00:200:1::10"), {3, 10, 0, 0}).ok());
    CHECK_TRUE(table.upsert(ipOf("10.200.1.11"), {4, 11, 5, 0}).ok());
    auto listed = table.list();
    CHECK_TRUE(listed.ok());
    LONGS_EQUAL(3, listed->size());
    CHECK_TRUE((LocalEndpoint{3, 10, 0, 0}) == listed->at(ipOf("10.200.1.10")));
    CHECK_TRUE((LocalEndpoint{3, 10, 0, 0}) == listed->at(ipOf("fd00:200:1::10")));
    CHECK_TRUE((LocalEndpoint{4, 11, 5, 0}) == listed->at(ipOf("10.200.1.11")));
}

TEST(LocalEndpointTable, UpsertOverwritesAndEraseIsIdempotent) {
    auto& table = dp->localEndpoints();
    CHECK_TRUE(table.upsert(ipOf("10.200.1.10"), {3, 10, 0, 0}).ok());
    CHECK_TRUE(table.upsert(ipOf("10.200.1.10"), {9, 10, 0, 0}).ok());
    LONGS_EQUAL(9, table.list()->at(ipOf("10.200.1.10")).ifindex);
    CHECK_TRUE(table.erase(ipOf("10.200.1.10")).ok());
    CHECK_TRUE(table.erase(ipOf("10.200.1.10")).ok());
    LONGS_EQUAL(0, table.list()->size());
}

TEST(LocalEndpointTable, AFullTableSaysSo) {
    auto& table = dp->localEndpoints();
    for (std::uint32_t i = 0; i < 64; ++i)
        CHECK_TRUE(table.upsert(IpAddress::v4(0x0ac80100 + i), {3, i, 0, 0}).ok());
    auto overflow = table.upsert(ipOf("10.200.2.1"), {3, 99, 0, 0});
    CHECK_FALSE(overflow.ok());
    LONGS_EQUAL(E2BIG, overflow.error().errnum);
    CHECK_TEXT(overflow.error().message.find("10.200.2.1") != std::string::npos, overflow.error().message.c_str());
}
