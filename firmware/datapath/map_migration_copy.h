// Copying a pinned map's entries into a new map of another max_entries: the
// data part of a resize migration (map_migration.h). The datapath's maps
// are hash, LRU hash, per-CPU hash, array, per-CPU array and LPM trie; all
// are read in kernel batches where the kernel has them for the type (hash
// and array kinds) and by a key walk otherwise (LPM trie).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

// What the kernel says a map is.
struct MapShape {
    std::uint32_t type = 0;  // enum bpf_map_type
    std::uint32_t keySize = 0;
    std::uint32_t valueSize = 0;  // of one CPU's value for per-CPU maps
    std::uint32_t maxEntries = 0;
    std::uint32_t flags = 0;
};

Result<MapShape> mapShape(int mapFd, const std::string& name);

bool isArrayMap(std::uint32_t type);
bool isPerCpuMap(std::uint32_t type);

// Bytes of one entry's value as user space reads it: one 8-byte aligned slot
// per possible CPU for per-CPU maps.
Result<std::size_t> valueStride(const MapShape& shape);

// A run of entries: `count` keys of keySize bytes and values of valueStride.
struct EntryChunk {
    std::span<const unsigned char> keys;
    std::span<const unsigned char> values;
    std::uint32_t count = 0;
};

// Calls fn for every entry, a chunk at a time, until fn fails. Arrays yield
// every index (zero or not), as the kernel keeps them.
Status forEachEntryChunk(int mapFd, const MapShape& shape, const std::string& name,
                         const std::function<Status(const EntryChunk&)>& fn);

// Entries that would be lost in a map of `newMaxEntries`: for hash kinds and
// LPM tries the number of entries when it exceeds newMaxEntries (else 0), for
// arrays the non-zero values at an index at or past newMaxEntries.
Result<std::uint64_t> entriesThatWouldNotFit(int mapFd, const MapShape& shape, std::uint32_t newMaxEntries,
                                             const std::string& name);

// Number of entries (hash kinds, LPM tries) or non-zero values (arrays).
Result<std::uint64_t> countEntries(int mapFd, const MapShape& shape, const std::string& name);

// Copies every entry of `fromFd` into `toFd`, which has the same type, key
// and value size; array indexes at or past toFd's max_entries are skipped
// (entriesThatWouldNotFit() said they are zero). Returns the entries copied.
Result<std::uint64_t> copyMapEntries(int fromFd, int toFd, const std::string& name);

// Copies the entries of `fromFd` whose keys `toFd` lacks; entries `toFd`
// has already stay as they are (the newer copy). Returns the entries added.
Result<std::uint64_t> copyMissingEntries(int fromFd, int toFd, const std::string& name);

}  // namespace nodeplane::datapath
