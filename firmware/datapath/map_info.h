// What a datapath map is and how full it is, for `nodeplanectl status` and
// the metrics.
#pragma once

#include <cstdint>
#include <string>

#include "common/result.h"

namespace nodeplane::datapath {

struct MapInfo {
    std::string name;      // "np_local_endpoints_v1"
    std::string type;      // libbpf's name: "hash", "percpu_array", ...
    std::string pinPath;   // empty when not pinned
    std::uint32_t id = 0;  // kernel map id, as bpftool shows it
    std::uint32_t keySize = 0;
    std::uint32_t valueSize = 0;  // per CPU for per-CPU maps
    std::uint32_t maxEntries = 0;
    // Entries present. Arrays always hold maxEntries; hash maps are counted
    // by walking their keys, so this is a snapshot of a moving number. A
    // ring buffer (maxEntries = its bytes) gives the bytes its reader has
    // not consumed yet.
    std::uint32_t entries = 0;
};

// `name` is the map's full name: the kernel keeps only 15 characters.
Result<MapInfo> describeMap(int mapFd, const std::string& name, const std::string& pinPath);

}  // namespace nodeplane::datapath
