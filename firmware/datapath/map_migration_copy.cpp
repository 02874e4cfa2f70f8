#include "datapath/map_migration_copy.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace nodeplane::datapath {

namespace {

// Entries per batch call: large enough that a million-entry map takes about
// a thousand syscalls, small enough that buffers stay a few MiB.
constexpr std::uint32_t kBatchEntries = 1024;
// The kernel's ENOTSUPP (524, not exported to user space): a map type
// without batch operations (the LPM trie).
constexpr int kKernelEnotsupp = 524;

bool batchUnsupported(int err) { return err == EINVAL || err == EOPNOTSUPP || err == kKernelEnotsupp; }

bool allZero(std::span<const unsigned char> bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](unsigned char b) { return b == 0; });
}

std::uint32_t arrayIndex(const unsigned char* key) {
    std::uint32_t index = 0;
    std::memcpy(&index, key, sizeof(index));
    return index;
}

// The key walk: a hash walk whose current key is deleted under it restarts
// from the first key, so it is capped at twice the map's size.
Status walkChunks(int mapFd, const MapShape& shape, std::size_t stride, const std::string& name,
                  const std::function<Status(const EntryChunk&)>& fn) {
    std::vector<unsigned char> key(shape.keySize), next(shape.keySize), value(stride);
    const void* previous = nullptr;
    const std::uint64_t limit = 2ull * shape.maxEntries + 1;
    for (std::uint64_t steps = 0; steps < limit; ++steps) {
        if (::bpf_map_get_next_key(mapFd, previous, next.data()) != 0) {
            if (errno == ENOENT) return {};
            return Error::fromErrno(errno, "Failed to walk the keys of '" + name + "'");
        }
        key.swap(next);
        previous = key.data();
        if (::bpf_map_lookup_elem(mapFd, key.data(), value.data()) != 0) {
            if (errno == ENOENT) continue;  // deleted since the walk saw it
            return Error::fromErrno(errno, "Failed to read an entry of '" + name + "'");
        }
        if (auto ok = fn(EntryChunk{key, value, 1}); !ok) return ok;
    }
    return {};
}

// Writes a chunk, in one batch where the type has batch updates.
Status writeChunk(int mapFd, const EntryChunk& chunk, std::size_t keySize, std::size_t stride,
                  const std::string& name) {
    if (chunk.count == 0) return {};
    std::uint32_t count = chunk.count;
    DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
    if (::bpf_map_update_batch(mapFd, chunk.keys.data(), chunk.values.data(), &count, &opts) == 0) return {};
    if (!batchUnsupported(errno)) return Error::fromErrno(errno, "Failed to copy entries into the new '" + name + "'");
    for (std::uint32_t i = 0; i < chunk.count; ++i) {
        if (::bpf_map_update_elem(mapFd, chunk.keys.data() + i * keySize, chunk.values.data() + i * stride,
                                  BPF_ANY) != 0)
            return Error::fromErrno(errno, "Failed to copy an entry into the new '" + name + "'");
    }
    return {};
}

}  // namespace

bool isArrayMap(std::uint32_t type) { return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY; }

bool isPerCpuMap(std::uint32_t type) {
    return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
           type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

Result<MapShape> mapShape(int mapFd, const std::string& name) {
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    if (int err = ::bpf_obj_get_info_by_fd(mapFd, &info, &len); err != 0)
        return Error::fromErrno(err, "Failed to inspect the map '" + name + "'");
    return MapShape{info.type, info.key_size, info.value_size, info.max_entries, info.map_flags};
}

Result<std::size_t> valueStride(const MapShape& shape) {
    if (!isPerCpuMap(shape.type)) return static_cast<std::size_t>(shape.valueSize);
    int cpus = ::libbpf_num_possible_cpus();
    if (cpus <= 0) return Error::fromErrno(cpus, "Failed to count the possible CPUs");
    return static_cast<std::size_t>((shape.valueSize + 7) / 8 * 8) * static_cast<std::size_t>(cpus);
}

Status forEachEntryChunk(int mapFd, const MapShape& shape, const std::string& name,
                         const std::function<Status(const EntryChunk&)>& fn) {
    auto stride = valueStride(shape);
    if (!stride) return stride.error();
    std::vector<unsigned char> keys(static_cast<std::size_t>(kBatchEntries) * shape.keySize);
    std::vector<unsigned char> values(kBatchEntries * *stride);
    // The position token is a bucket number (hash kinds) or a key (arrays).
    const std::size_t tokenSize = std::max<std::size_t>(shape.keySize, 8);
    std::vector<unsigned char> inToken(tokenSize), outToken(tokenSize);
    DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
    for (bool first = true;; first = false) {
        std::uint32_t count = kBatchEntries;
        int rc = ::bpf_map_lookup_batch(mapFd, first ? nullptr : inToken.data(), outToken.data(), keys.data(),
                                        values.data(), &count, &opts);
        const int err = rc == 0 ? 0 : errno;
        if (rc != 0 && err != ENOENT) {
            if (first && batchUnsupported(err)) return walkChunks(mapFd, shape, *stride, name, fn);
            return Error::fromErrno(err, "Failed to read the entries of '" + name + "'");
        }
        if (count > 0) {
            EntryChunk chunk{std::span(keys.data(), count * shape.keySize), std::span(values.data(), count * *stride),
                             count};
            if (auto ok = fn(chunk); !ok) return ok;
        }
        if (err == ENOENT) return {};  // that was the last chunk
        inToken.swap(outToken);
    }
}

Result<std::uint64_t> countEntries(int mapFd, const MapShape& shape, const std::string& name) {
    auto stride = valueStride(shape);
    if (!stride) return stride.error();
    std::uint64_t count = 0;
    auto ok = forEachEntryChunk(mapFd, shape, name, [&](const EntryChunk& chunk) -> Status {
        if (!isArrayMap(shape.type)) {
            count += chunk.count;
            return {};
        }
        for (std::uint32_t i = 0; i < chunk.count; ++i)
            if (!allZero(chunk.values.subspan(i * *stride, *stride))) ++count;
        return {};
    });
    if (!ok) return ok.error();
    return count;
}

Result<std::uint64_t> entriesThatWouldNotFit(int mapFd, const MapShape& shape, std::uint32_t newMaxEntries,
                                             const std::string& name) {
    if (newMaxEntries >= shape.maxEntries) return 0ull;
    if (!isArrayMap(shape.type)) {
        auto count = countEntries(mapFd, shape, name);
        if (!count) return count.error();
        return *count > newMaxEntries ? *count : 0ull;
    }
    auto stride = valueStride(shape);
    if (!stride) return stride.error();
    std::uint64_t lost = 0;
    std::vector<unsigned char> value(*stride);
    for (std::uint32_t index = newMaxEntries; index < shape.maxEntries; ++index) {
        if (::bpf_map_lookup_elem(mapFd, &index, value.data()) != 0)
            return Error::fromErrno(errno, "Failed to read index " + std::to_string(index) + " of '" + name + "'");
        if (!allZero(value)) ++lost;
    }
    return lost;
}

Result<std::uint64_t> copyMapEntries(int fromFd, int toFd, const std::string& name) {
    auto from = mapShape(fromFd, name);
    if (!from) return from.error();
    auto to = mapShape(toFd, name);
    if (!to) return to.error();
    if (from->type != to->type || from->keySize != to->keySize || from->valueSize != to->valueSize)
        return Error::logical("Cannot copy '" + name + "' into a map of another type, key or value size");
    auto stride = valueStride(*from);
    if (!stride) return stride.error();
    const bool array = isArrayMap(from->type);
    std::uint64_t copied = 0;
    auto ok = forEachEntryChunk(fromFd, *from, name, [&](const EntryChunk& chunk) -> Status {
        EntryChunk fitting = chunk;
        if (array) {
            // Indexes come in order: the ones past the new end are the tail.
            std::uint32_t keep = 0;
            while (keep < chunk.count && arrayIndex(chunk.keys.data() + keep * from->keySize) < to->maxEntries)
                ++keep;
            fitting.count = keep;
            fitting.keys = chunk.keys.first(keep * from->keySize);
            fitting.values = chunk.values.first(keep * *stride);
        }
        copied += fitting.count;
        return writeChunk(toFd, fitting, from->keySize, *stride, name);
    });
    if (!ok) return ok.error();
    return copied;
}

Result<std::uint64_t> copyMissingEntries(int fromFd, int toFd, const std::string& name) {
    auto from = mapShape(fromFd, name);
    if (!from) return from.error();
    auto stride = valueStride(*from);
    if (!stride) return stride.error();
    std::uint64_t added = 0;
    // One by one: a batch update with BPF_NOEXIST stops at the first key
    // that exists.
    auto ok = forEachEntryChunk(fromFd, *from, name, [&](const EntryChunk& chunk) -> Status {
        for (std::uint32_t i = 0; i < chunk.count; ++i) {
            if (::bpf_map_update_elem(toFd, chunk.keys.data() + i * from->keySize, chunk.values.data() + i * *stride,
                                      BPF_NOEXIST) == 0) {
                ++added;
            } else if (errno != EEXIST) {
                return Error::fromErrno(errno, "Failed to copy an entry into '" + name + "'");
            }
        }
        return {};
    });
    if (!ok) return ok.error();
    return added;
}

}  // namespace nodeplane::datapath
