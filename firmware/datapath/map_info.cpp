#include "datapath/map_info.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <vector>

namespace nodeplane::datapath {

namespace {

bool isArray(std::uint32_t type) {
    return type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY;
}

// A hash map walk restarts from the first key when the current one is deleted
// under it, so the walk is capped at the map's size.
Result<std::uint32_t> countKeys(int mapFd, std::uint32_t keySize, std::uint32_t limit, const std::string& name) {
    std::vector<unsigned char> key(keySize), next(keySize);
    const void* previous = nullptr;  // NULL asks for the first key
    std::uint32_t count = 0;
    while (::bpf_map_get_next_key(mapFd, previous, next.data()) == 0) {
        if (++count == limit) return count;
        key.swap(next);
        previous = key.data();
    }
    if (errno != ENOENT) return Error::fromErrno(errno, "Failed to walk the keys of map '" + name + "'");
    return count;
}

// Bytes written to a BPF ring buffer and not yet consumed: its producer
// position minus its consumer position, each at the start of its own page
// (the consumer's page first, then the producer's). Mapped read-only, so
// looking never disturbs the reader.
Result<std::uint32_t> ringBytesWaiting(int mapFd, const std::string& name) {
    const long page = ::sysconf(_SC_PAGESIZE);
    auto position = [&](off_t offset) -> Result<std::uint64_t> {
        void* at = ::mmap(nullptr, static_cast<std::size_t>(page), PROT_READ, MAP_SHARED, mapFd, offset);
        if (at == MAP_FAILED) return Error::fromErrno(errno, "Failed to map the positions of ring '" + name + "'");
        const auto value = std::atomic_ref<std::uint64_t>(*static_cast<std::uint64_t*>(at)).load(std::memory_order_acquire);
        ::munmap(at, static_cast<std::size_t>(page));
        return value;
    };
    auto consumer = position(0);
    if (!consumer) return consumer.error();
    auto producer = position(page);
    if (!producer) return producer.error();
    return static_cast<std::uint32_t>(*producer >= *consumer ? *producer - *consumer : 0);
}

}  // namespace

Result<MapInfo> describeMap(int mapFd, const std::string& name, const std::string& pinPath) {
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    if (int err = ::bpf_obj_get_info_by_fd(mapFd, &info, &len); err != 0)
        return Error::fromErrno(err, "Failed to inspect map '" + name + "'");

    MapInfo out;
    out.name = name;
    const char* type = ::libbpf_bpf_map_type_str(static_cast<bpf_map_type>(info.type));
    out.type = type ? type : "type " + std::to_string(info.type);
    out.pinPath = pinPath;
    out.id = info.id;
    out.keySize = info.key_size;
    out.valueSize = info.value_size;
    out.maxEntries = info.max_entries;
    if (isArray(info.type)) {
        out.entries = info.max_entries;
    } else if (info.type == BPF_MAP_TYPE_RINGBUF) {
        // A ring holds bytes, not entries: its fill is what waits for the reader.
        auto waiting = ringBytesWaiting(mapFd, out.name);
        if (!waiting) return waiting.error();
        out.entries = *waiting;
    } else {
        auto count = countKeys(mapFd, info.key_size, info.max_entries, out.name);
        if (!count) return count.error();
        out.entries = *count;
    }
    return out;
}

}  // namespace nodeplane::datapath
