// The maps an earlier daemon pinned, compared with what this version's
// object defines, before load: libbpf adopts a pin only when type, key and
// value size, max_entries and flags all match, and fails the whole load
// otherwise, so every difference is decided here (map_migration.h).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "datapath/map_migration_copy.h"

struct bpf_map;
struct bpf_object;

namespace nodeplane::datapath {

enum class PinnedMapFit {
    Absent,        // nothing pinned: load creates and pins it
    Same,          // libbpf adopts it as it is
    Resized,       // only max_entries differs: a migration copies it
    Incompatible,  // type, key size, value size or flags differ
};

struct PinnedMap {
    bpf_map* map = nullptr;  // the object's definition, max_entries already set
    std::string name;        // full name, "np_conntrack_v2"
    std::string pinPath;
    PinnedMapFit fit = PinnedMapFit::Absent;
    UniqueFd pinned;    // the pinned map, unless Absent
    MapShape shape;     // of the pinned map, unless Absent
    // For Resized and Incompatible: "value size 48, this version needs 52".
    std::string difference;
};

// Every map of `object` that is pinned by name, in object order.
Result<std::vector<PinnedMap>> inspectPinnedMaps(bpf_object* object);

}  // namespace nodeplane::datapath
