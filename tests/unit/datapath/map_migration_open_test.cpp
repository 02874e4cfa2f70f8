// Datapath::open against a bpffs a predecessor left: a bigger (or smaller)
// max_entries migrates the map's entries, a changed map shape or another
// layout version is refused with every pin left as it was.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "common/unique_fd.h"
#include "datapath/abi.h"
#include "datapath/datapath.h"
#include "datapath/map_migration_layout.h"
#include "datapath/map_migration_refusal.h"
#include "support/bpffs_mount.h"
#include "support/or_fail.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Datapath;

namespace {

Datapath openOrFail(const datapath::Options& options) {
    auto opened = Datapath::open(options);
    if (!opened) FAIL(opened.error().message.c_str());
    return std::move(*opened);
}

struct PinnedInfo {
    std::uint32_t id = 0;
    std::uint32_t maxEntries = 0;
};

PinnedInfo pinned(const std::string& path) {
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) FAIL(("nothing pinned at " + path).c_str());
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) FAIL("cannot inspect a pinned map");
    return {info.id, info.max_entries};
}

std::uint32_t pinnedProgramId(const std::string& path) {
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) FAIL(("nothing pinned at " + path).c_str());
    bpf_prog_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(fd.get(), &info, &len) != 0) FAIL("cannot inspect a pinned program");
    return info.id;
}

np_ct_key ctKey(std::uint32_t i) {
    np_ct_key key{};
    key.family = NP_FAMILY_IPV4;
    key.protocol = 6;
    key.sport = static_cast<std::uint16_t>(1024 + i);
    key.dport = 80;
    key.saddr[0] = 10;
    key.saddr[3] = static_cast<std::uint8_t>(i);
    key.daddr[0] = 10;
    key.daddr[3] = 200;
    return key;
}

np_ct_value ctValue(std::uint32_t i) {
    np_ct_value value{};
    value.last_seen_ns = 1000 + i;
    value.backend_id = 7 + i;
    value.rev_nat_id = 3;
    return value;
}

// Writes `count` conntrack entries straight into the pinned map, as the
// programs would.
void fillConntrack(const std::string& bpffs, std::uint32_t count) {
    UniqueFd fd(::bpf_obj_get((bpffs + "/maps/" NP_MAP_CONNTRACK).c_str()));
    if (!fd.valid()) FAIL("no conntrack map pinned");
    for (std::uint32_t i = 0; i < count; ++i) {
        auto key = ctKey(i);
        auto value = ctValue(i);
        if (::bpf_map_update_elem(fd.get(), &key, &value, BPF_ANY) != 0) FAIL("cannot write conntrack");
    }
}

void checkConntrack(const std::string& bpffs, std::uint32_t count) {
    UniqueFd fd(::bpf_obj_get((bpffs + "/maps/" NP_MAP_CONNTRACK).c_str()));
    if (!fd.valid()) FAIL("no conntrack map pinned");
    for (std::uint32_t i = 0; i < count; ++i) {
        auto key = ctKey(i);
        np_ct_value got{};
        if (::bpf_map_lookup_elem(fd.get(), &key, &got) != 0)
            FAIL(("conntrack entry " + std::to_string(i) + " lost").c_str());
        auto want = ctValue(i);
        CHECK_EQUAL(0, std::memcmp(&want, &got, sizeof(got)));
    }
}

datapath::Backend backend(std::uint32_t i) {
    datapath::Backend b;
    b.address = *IpAddress::parse("10.1.0." + std::to_string(i));
    b.port = static_cast<std::uint16_t>(8000 + i);
    return b;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP(MapMigration) {
    std::unique_ptr<BpffsMount> bpffs;
    datapath::Options options;
    std::string maps;

    void setup() override {
        bpffs = orFail([] { return std::make_unique<BpffsMount>(); });
        options.bpffs = bpffs->path() + "/node";
        options.maxLocalEndpoints = 64;
        options.maxInterfaces = 16;
        options.maxServices = 32;
        options.maxBackends = 16;
        options.maxBackendSlots = 32;
        options.maxConntrack = 256;
        options.maxAffinity = 64;
        options.maxSourceRanges = 64;
        options.maxSocketReverse = 64;
        options.maxIpcache = 64;
        options.maxPolicyEntries = 64;
        maps = options.bpffs + "/maps/";
    }
    void teardown() override { bpffs.reset(); }
};

TEST(MapMigration, AFreshDirectoryRecordsThisLayout) {
    auto dp = openOrFail(options);
    auto version = datapath::readLayoutVersion(options.bpffs);
    CHECK_TRUE(version.ok());
    LONGS_EQUAL(datapath::kDatapathLayoutVersion, *version);
}

TEST(MapMigration, ABiggerConntrackKeepsItsEntries) {
    { auto first = openOrFail(options); }
    fillConntrack(options.bpffs, 200);
    const auto before = pinned(maps + NP_MAP_CONNTRACK);
    const auto statsBefore = pinned(maps + NP_MAP_STATS);

    datapath::Options bigger = options;
    bigger.maxConntrack = 1024;
    auto second = openOrFail(bigger);
    const auto after = pinned(maps + NP_MAP_CONNTRACK);
    CHECK_TRUE(before.id != after.id);  // a new map, pinned in the old one's place
    LONGS_EQUAL(1024, after.maxEntries);
    checkConntrack(options.bpffs, 200);
    LONGS_EQUAL(statsBefore.id, pinned(maps + NP_MAP_STATS).id);  // the others adopted
    // And the next start adopts the migrated map as it is.
    auto third = openOrFail(bigger);
    LONGS_EQUAL(after.id, pinned(maps + NP_MAP_CONNTRACK).id);
}

TEST(MapMigration, ShrinkingBelowTheEntriesHeldIsRefusedAndChangesNothing) {
    { auto first = openOrFail(options); }
    fillConntrack(options.bpffs, 100);
    const auto before = pinned(maps + NP_MAP_CONNTRACK);
    const auto programBefore = pinnedProgramId(options.bpffs + "/progs/np_from_pod");

    datapath::Options smaller = options;
    smaller.maxConntrack = 50;
    auto refused = Datapath::open(smaller);
    CHECK_FALSE(refused.ok());
    CHECK_TRUE(datapath::isLayoutRefusal(refused.error()));
    const auto& message = refused.error().message;
    CHECK_TEXT(contains(message, NP_MAP_CONNTRACK), message.c_str());
    CHECK_TEXT(contains(message, "from 256 to 50 entries"), message.c_str());
    CHECK_TEXT(contains(message, "max-conntrack-entries"), message.c_str());
    CHECK_TEXT(contains(message, "100 entries"), message.c_str());
    LONGS_EQUAL(before.id, pinned(maps + NP_MAP_CONNTRACK).id);
    LONGS_EQUAL(programBefore, pinnedProgramId(options.bpffs + "/progs/np_from_pod"));

    // Shrinking to what still fits is a migration.
    smaller.maxConntrack = 128;
    auto shrunk = openOrFail(smaller);
    LONGS_EQUAL(128, pinned(maps + NP_MAP_CONNTRACK).maxEntries);
    checkConntrack(options.bpffs, 100);
}

// Backends move to id % the new size, spilling where two collide.
TEST(MapMigration, BackendsAreReindexedForTheNewSize) {
    std::map<datapath::BackendId, datapath::Backend> written;
    {
        auto first = openOrFail(options);
        // 3 and 19 share index 3 of 16; 40 lands at 8.
        for (std::uint32_t id : {1u, 3u, 19u, 40u, 15u}) {
            CHECK_TRUE(first.backends().upsert(id, backend(id)).ok());
            written[id] = backend(id);
        }
    }
    for (std::uint32_t size : {64u, 10u}) {
        datapath::Options resized = options;
        resized.maxBackends = size;
        auto dp = openOrFail(resized);
        LONGS_EQUAL(size, pinned(maps + NP_MAP_BACKENDS).maxEntries);
        auto listed = dp.backends().list();
        CHECK_TRUE(listed.ok());
        CHECK_TRUE(written == *listed);
    }
    // At 2 entries, at most one id per index stays in the array and the
    // other three need a spill map of 2.
    datapath::Options tooSmall = options;
    tooSmall.maxBackends = 2;
    auto refused = Datapath::open(tooSmall);
    CHECK_FALSE(refused.ok());
    CHECK_TRUE(datapath::isLayoutRefusal(refused.error()));
    CHECK_TEXT(contains(refused.error().message, "would spill 3 backends into " NP_MAP_BACKEND_SPILL ", which holds 2"),
               refused.error().message.c_str());
    LONGS_EQUAL(10, pinned(maps + NP_MAP_BACKENDS).maxEntries);
}

// The LPM tries (ipcache, policy, source ranges) have no batch operations.
TEST(MapMigration, ABiggerIpcacheKeepsItsPrefixes) {
    { auto first = openOrFail(options); }
    UniqueFd fd(::bpf_obj_get((maps + NP_MAP_IPCACHE).c_str()));
    CHECK_TRUE(fd.valid());
    auto shape = pinned(maps + NP_MAP_IPCACHE);
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    CHECK_EQUAL(0, ::bpf_obj_get_info_by_fd(fd.get(), &info, &len));
    std::vector<unsigned char> key(info.key_size), value(info.value_size);
    for (std::uint32_t i = 0; i < 40; ++i) {
        const std::uint32_t prefixLen = info.key_size * 8 - 32;  // the whole key after the length
        std::fill(key.begin(), key.end(), 0);
        std::memcpy(key.data(), &prefixLen, 4);
        key[4] = 4;
        key[5] = static_cast<unsigned char>(i);
        std::fill(value.begin(), value.end(), static_cast<unsigned char>(i + 1));
        CHECK_EQUAL(0, ::bpf_map_update_elem(fd.get(), key.data(), value.data(), BPF_ANY));
    }
    fd.reset();
    datapath::Options bigger = options;
    bigger.maxIpcache = 128;
    auto dp = openOrFail(bigger);
    CHECK_TRUE(shape.id != pinned(maps + NP_MAP_IPCACHE).id);
    UniqueFd after(::bpf_obj_get((maps + NP_MAP_IPCACHE).c_str()));
    for (std::uint32_t i = 0; i < 40; ++i) {
        const std::uint32_t prefixLen = info.key_size * 8 - 32;
        std::fill(key.begin(), key.end(), 0);
        std::memcpy(key.data(), &prefixLen, 4);
        key[4] = 4;
        key[5] = static_cast<unsigned char>(i);
        CHECK_EQUAL(0, ::bpf_map_lookup_elem(after.get(), key.data(), value.data()));
        LONGS_EQUAL(i + 1, value[0]);
    }
}

// A new version's map of another value size, pinned under the same name.
TEST(MapMigration, AnotherValueSizeIsRefusedAndNothingIsTouched) {
    { auto first = openOrFail(options); }
    const std::string path = maps + NP_MAP_CONNTRACK;
    CHECK_EQUAL(0, ::unlink(path.c_str()));
    UniqueFd other(::bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "np_conntrack_v2", sizeof(np_ct_key),
                                    sizeof(np_ct_value) + 8, 256, nullptr));
    CHECK_TRUE(other.valid());
    CHECK_EQUAL(0, ::bpf_obj_pin(other.get(), path.c_str()));
    const auto before = pinned(path);
    const auto programBefore = pinnedProgramId(options.bpffs + "/progs/np_from_pod");

    auto refused = Datapath::open(options);
    CHECK_FALSE(refused.ok());
    CHECK_TRUE(datapath::isLayoutRefusal(refused.error()));
    const auto& message = refused.error().message;
    CHECK_TEXT(contains(message, "np_conntrack_v2 has value size 56, this version needs 48"), message.c_str());
    LONGS_EQUAL(before.id, pinned(path).id);
    LONGS_EQUAL(programBefore, pinnedProgramId(options.bpffs + "/progs/np_from_pod"));
}

TEST(MapMigration, AnotherLayoutVersionIsRefused) {
    { auto first = openOrFail(options); }
    CHECK_TRUE(datapath::writeLayoutVersion(options.bpffs, datapath::kDatapathLayoutVersion + 1).ok());
    const auto before = pinned(maps + NP_MAP_SERVICES);
    auto refused = Datapath::open(options);
    CHECK_FALSE(refused.ok());
    CHECK_TRUE(datapath::isLayoutRefusal(refused.error()));
    const std::string expected = "pinned datapath layout " + std::to_string(datapath::kDatapathLayoutVersion + 1) +
                                 ", this version needs layout " + std::to_string(datapath::kDatapathLayoutVersion);
    CHECK_TEXT(contains(refused.error().message, expected), refused.error().message.c_str());
    LONGS_EQUAL(before.id, pinned(maps + NP_MAP_SERVICES).id);
    LONGS_EQUAL(datapath::kDatapathLayoutVersion + 1, *datapath::readLayoutVersion(options.bpffs));
}

// Pinned before the version was recorded: layout 1, adopted, then recorded.
TEST(MapMigration, APredecessorWithoutARecordIsLayoutOne) {
    { auto first = openOrFail(options); }
    CHECK_EQUAL(0, ::unlink(datapath::layoutPinPath(options.bpffs).c_str()));
    LONGS_EQUAL(0, *datapath::readLayoutVersion(options.bpffs));
    const auto before = pinned(maps + NP_MAP_SERVICES);
    auto dp = openOrFail(options);
    LONGS_EQUAL(before.id, pinned(maps + NP_MAP_SERVICES).id);
    LONGS_EQUAL(1, *datapath::readLayoutVersion(options.bpffs));
}

// The old programs keep writing the old conntrack until the new ones are
// attached; the catch-up copies what they added, and keeps what the new
// map already has.
TEST(MapMigration, TheCatchUpCopiesWhatTheOldProgramsAddedMeanwhile) {
    { auto first = openOrFail(options); }
    fillConntrack(options.bpffs, 10);
    UniqueFd old(::bpf_obj_get((maps + NP_MAP_CONNTRACK).c_str()));
    CHECK_TRUE(old.valid());

    datapath::Options bigger = options;
    bigger.maxConntrack = 512;
    auto dp = openOrFail(bigger);
    UniqueFd migrated(::bpf_obj_get((maps + NP_MAP_CONNTRACK).c_str()));
    // Meanwhile: the old programs track five new flows, and the new ones
    // already updated flow 0.
    for (std::uint32_t i = 10; i < 15; ++i) {
        auto key = ctKey(i);
        auto value = ctValue(i);
        CHECK_EQUAL(0, ::bpf_map_update_elem(old.get(), &key, &value, BPF_ANY));
    }
    auto key0 = ctKey(0);
    auto newer = ctValue(0);
    newer.last_seen_ns = 99999;
    CHECK_EQUAL(0, ::bpf_map_update_elem(migrated.get(), &key0, &newer, BPF_ANY));

    auto lines = dp.catchUpMigratedMaps(false);  // not every interface switched yet
    CHECK_TRUE(lines.ok());
    LONGS_EQUAL(1, lines->size());
    STRCMP_CONTAINS("np_conntrack_v2: 5 entries", lines->front().c_str());
    np_ct_value got{};
    CHECK_EQUAL(0, ::bpf_map_lookup_elem(migrated.get(), &key0, &got));
    LONGS_EQUAL(99999, got.last_seen_ns);
    for (std::uint32_t i = 1; i < 15; ++i) {
        auto key = ctKey(i);
        CHECK_EQUAL(0, ::bpf_map_lookup_elem(migrated.get(), &key, &got));
        LONGS_EQUAL(1000 + i, got.last_seen_ns);
    }
    // The interfaces switched later bring their own catch-up; the last one
    // lets the old map go, and later calls have nothing to do.
    auto late = ctKey(20);
    auto lateValue = ctValue(20);
    CHECK_EQUAL(0, ::bpf_map_update_elem(old.get(), &late, &lateValue, BPF_ANY));
    auto second = dp.catchUpMigratedMaps(true);
    CHECK_TRUE(second.ok());
    LONGS_EQUAL(1, second->size());
    STRCMP_CONTAINS("np_conntrack_v2: 1 entries", second->front().c_str());
    CHECK_EQUAL(0, ::bpf_map_lookup_elem(migrated.get(), &late, &got));
    CHECK_EQUAL(0, ::bpf_map_update_elem(old.get(), &late, &lateValue, BPF_ANY));
    LONGS_EQUAL(0, dp.catchUpMigratedMaps(true)->size());
}
