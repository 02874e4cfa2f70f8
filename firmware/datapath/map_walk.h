// Walking a hash map from user space: every key with its value, tolerating
// entries deleted during the walk (the datapath's LRU maps evict at will).
#pragma once

#include <bpf/bpf.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

// Calls fn(key, value) for each entry; fn returns a Status and a failure
// stops the walk. A hash walk whose current key is deleted restarts from the
// first key, so the walk is capped at `limit` steps.
template <typename Key, typename Value, typename Fn>
Status walkMap(int mapFd, const std::string& mapName, std::uint64_t limit, Fn&& fn) {
    Key key{}, next{};
    const Key* previous = nullptr;  // NULL asks for the first key
    for (std::uint64_t steps = 0; steps < limit; ++steps) {
        if (::bpf_map_get_next_key(mapFd, previous, &next) != 0) {
            if (errno == ENOENT) return {};
            return Error::fromErrno(errno, "Failed to walk " + mapName);
        }
        key = next;
        previous = &key;
        Value value{};
        if (::bpf_map_lookup_elem(mapFd, &key, &value) != 0) {
            if (errno == ENOENT) continue;  // deleted since the walk saw it
            return Error::fromErrno(errno, "Failed to read " + mapName);
        }
        if (auto ok = fn(key, value); !ok) return ok;
    }
    return {};
}

// The max_entries of a map, to bound walks.
inline std::uint64_t walkLimit(int mapFd) {
    bpf_map_info info{};
    std::uint32_t len = sizeof(info);
    if (::bpf_obj_get_info_by_fd(mapFd, &info, &len) != 0) return 1u << 24;
    // Twice: a walk that restarted once after a concurrent delete still ends.
    return 2ull * info.max_entries + 1;
}

}  // namespace nodeplane::datapath
