// Copying entries into a resized map, for each map type the datapath has
// (bpf/lib/*_maps.h): hash, LRU hash, per-CPU hash, array, per-CPU array,
// LPM trie. Each test fills a fresh unpinned map, copies it into a bigger
// (or smaller) one and compares every entry. Needs CAP_BPF.
#include <CppUTest/TestHarness.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "common/unique_fd.h"
#include "datapath/map_migration_copy.h"

using namespace nodeplane;
using namespace nodeplane::datapath;

namespace {

UniqueFd createMap(bpf_map_type type, std::uint32_t keySize, std::uint32_t valueSize, std::uint32_t maxEntries,
                   std::uint32_t flags = 0) {
    DECLARE_LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = flags);
    UniqueFd fd(::bpf_map_create(type, "np_test_copy", keySize, valueSize, maxEntries, &opts));
    if (!fd.valid()) FAIL(("cannot create a map: " + std::string(std::strerror(errno))).c_str());
    return fd;
}

std::size_t strideOf(int fd) {
    auto shape = mapShape(fd, "test");
    if (!shape) FAIL(shape.error().message.c_str());
    auto stride = valueStride(*shape);
    if (!stride) FAIL(stride.error().message.c_str());
    return *stride;
}

// A key of `size` bytes for entry `i`; for arrays the index itself, for
// LPM tries a /32 (or shorter) prefix, else i spread over the bytes.
std::vector<unsigned char> keyOf(bpf_map_type type, std::uint32_t size, std::uint32_t i) {
    std::vector<unsigned char> key(size);
    if (type == BPF_MAP_TYPE_LPM_TRIE) {
        const std::uint32_t prefixLen = 24 + i % 9;  // /24 ... /32
        std::memcpy(key.data(), &prefixLen, 4);
        const unsigned char addr[4] = {10, static_cast<unsigned char>(i >> 8), static_cast<unsigned char>(i), 0};
        std::memcpy(key.data() + 4, addr, 4);
        return key;
    }
    for (std::uint32_t b = 0; b < size; ++b) key[b] = static_cast<unsigned char>((i * 7 + b * 13) ^ (i >> 8));
    std::memcpy(key.data(), &i, std::min<std::uint32_t>(4, size));
    return key;
}

// A value no two entries (nor two CPUs) share.
std::vector<unsigned char> valueOf(std::size_t stride, std::uint32_t i) {
    std::vector<unsigned char> value(stride);
    for (std::size_t b = 0; b < stride; ++b) value[b] = static_cast<unsigned char>(i * 31 + b + 1);
    return value;
}

void fill(int fd, bpf_map_type type, std::uint32_t keySize, std::uint32_t count) {
    const std::size_t stride = strideOf(fd);
    for (std::uint32_t i = 0; i < count; ++i) {
        auto key = keyOf(type, keySize, i);
        auto value = valueOf(stride, i);
        if (::bpf_map_update_elem(fd, key.data(), value.data(), BPF_ANY) != 0)
            FAIL(("cannot fill entry " + std::to_string(i)).c_str());
    }
}

void checkHolds(int fd, bpf_map_type type, std::uint32_t keySize, std::uint32_t count) {
    const std::size_t stride = strideOf(fd);
    std::vector<unsigned char> got(stride);
    for (std::uint32_t i = 0; i < count; ++i) {
        auto key = keyOf(type, keySize, i);
        if (::bpf_map_lookup_elem(fd, key.data(), got.data()) != 0)
            FAIL(("entry " + std::to_string(i) + " missing after the copy").c_str());
        CHECK_TEXT(got == valueOf(stride, i), ("entry " + std::to_string(i) + " differs").c_str());
    }
}

std::uint64_t entriesIn(int fd) {
    auto shape = mapShape(fd, "test");
    auto count = countEntries(fd, *shape, "test");
    if (!count) FAIL(count.error().message.c_str());
    return *count;
}

// Fills a map of `type`, copies it into one of twice the size, and checks.
void copiesIntoABiggerMap(bpf_map_type type, std::uint32_t keySize, std::uint32_t valueSize, std::uint32_t count,
                          std::uint32_t flags = 0) {
    auto from = createMap(type, keySize, valueSize, count + count / 2, flags);
    fill(from.get(), type, keySize, count);
    auto to = createMap(type, keySize, valueSize, 2 * (count + count / 2), flags);
    auto copied = copyMapEntries(from.get(), to.get(), "test");
    if (!copied) FAIL(copied.error().message.c_str());
    checkHolds(to.get(), type, keySize, count);
    if (type != BPF_MAP_TYPE_ARRAY && type != BPF_MAP_TYPE_PERCPU_ARRAY) {
        LONGS_EQUAL(count, *copied);
        LONGS_EQUAL(count, entriesIn(to.get()));
    } else {
        LONGS_EQUAL(count + count / 2, *copied);  // every index, zero or not
    }
}

}  // namespace

TEST_GROUP(MapCopy){};

TEST(MapCopy, Hash) { copiesIntoABiggerMap(BPF_MAP_TYPE_HASH, 24, 24, 3000); }

TEST(MapCopy, HashWithoutPreallocation) {
    copiesIntoABiggerMap(BPF_MAP_TYPE_HASH, 4, 28, 2500, BPF_F_NO_PREALLOC);
}

// Conntrack's shape: 40-byte key, 48-byte value.
TEST(MapCopy, LruHash) { copiesIntoABiggerMap(BPF_MAP_TYPE_LRU_HASH, 40, 48, 2000); }

// One value per possible CPU, each different.
TEST(MapCopy, PerCpuHash) { copiesIntoABiggerMap(BPF_MAP_TYPE_PERCPU_HASH, 8, 16, 1500); }

TEST(MapCopy, Array) { copiesIntoABiggerMap(BPF_MAP_TYPE_ARRAY, 4, 28, 3000); }

TEST(MapCopy, PerCpuArray) { copiesIntoABiggerMap(BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 100); }

// No batch operations for tries: the key walk.
TEST(MapCopy, LpmTrie) { copiesIntoABiggerMap(BPF_MAP_TYPE_LPM_TRIE, 8, 4, 1200, BPF_F_NO_PREALLOC); }

TEST(MapCopy, AHashShrinksOnlyWhenItsEntriesFit) {
    auto from = createMap(BPF_MAP_TYPE_HASH, 4, 8, 100);
    fill(from.get(), BPF_MAP_TYPE_HASH, 4, 50);
    auto shape = mapShape(from.get(), "test");
    LONGS_EQUAL(50, *entriesThatWouldNotFit(from.get(), *shape, 40, "test"));
    LONGS_EQUAL(0, *entriesThatWouldNotFit(from.get(), *shape, 50, "test"));
    auto to = createMap(BPF_MAP_TYPE_HASH, 4, 8, 50);
    LONGS_EQUAL(50, *copyMapEntries(from.get(), to.get(), "test"));
    checkHolds(to.get(), BPF_MAP_TYPE_HASH, 4, 50);
}

TEST(MapCopy, AnArrayShrinksOnlyWhenItsTailIsUnused) {
    auto from = createMap(BPF_MAP_TYPE_ARRAY, 4, 8, 64);
    fill(from.get(), BPF_MAP_TYPE_ARRAY, 4, 20);
    auto shape = mapShape(from.get(), "test");
    LONGS_EQUAL(0, *entriesThatWouldNotFit(from.get(), *shape, 32, "test"));
    const std::uint32_t index = 40;
    const std::uint64_t used = 5;
    CHECK_EQUAL(0, ::bpf_map_update_elem(from.get(), &index, &used, BPF_ANY));
    LONGS_EQUAL(1, *entriesThatWouldNotFit(from.get(), *shape, 32, "test"));
    LONGS_EQUAL(0, *entriesThatWouldNotFit(from.get(), *shape, 41, "test"));

    auto to = createMap(BPF_MAP_TYPE_ARRAY, 4, 8, 41);
    LONGS_EQUAL(41, *copyMapEntries(from.get(), to.get(), "test"));
    checkHolds(to.get(), BPF_MAP_TYPE_ARRAY, 4, 20);
    std::uint64_t got = 0;
    CHECK_EQUAL(0, ::bpf_map_lookup_elem(to.get(), &index, &got));
    LONGS_EQUAL(used, got);
}

TEST(MapCopy, RefusesAnotherValueSize) {
    auto from = createMap(BPF_MAP_TYPE_HASH, 4, 8, 10);
    auto to = createMap(BPF_MAP_TYPE_HASH, 4, 16, 10);
    CHECK_FALSE(copyMapEntries(from.get(), to.get(), "test").ok());
}
