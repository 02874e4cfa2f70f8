// What becomes of the maps a predecessor pinned when this daemon loads the
// datapath: adopted as they are, migrated, or refused.
//
//  - Same shape: libbpf adopts the pin, contents and all.
//  - Only max_entries differs (an operator changed a [datapath] max-* key):
//    load creates the new map beside the old one, complete() copies every
//    entry over (np_backends_v2 is re-indexed, map_migration_backends.h) and
//    pins the new map in the old one's place. The old programs keep the old
//    map until the daemon attaches the new ones; for the maps the programs
//    write (conntrack, affinity, socket reverse NAT), catchUp() copies what
//    they added meanwhile once the new programs run. A segment of a flow
//    that started in that window and reaches the new programs before the
//    catch-up finds no conntrack and is picked up mid-stream
//    (docs/architecture.md). Shrinking below the entries a map holds is
//    refused.
//  - A pinned datapath of another layout version with no migration step to
//    this one, or a map whose type, key size, value size or flags differ,
//    is refused before anything is created, unpinned or detached, so the
//    old datapath keeps forwarding (map_migration_refusal.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/unique_fd.h"
#include "datapath/map_migration_copy.h"

struct bpf_map;
struct bpf_object;

namespace nodeplane::datapath {

class MapMigration {
public:
    // Between open and load, with every max_entries set. Refuses as above
    // (isLayoutRefusal() is true of that error), runs the layout steps from
    // the pinned version (map_migration_layout.h), and clears the pin path
    // of each resized map so that load creates it fresh.
    static Result<MapMigration> prepare(bpf_object* object, const std::string& bpffs);

    // After load, before a program of the object is pinned or attached:
    // fills every resized map from its predecessor, pins it in its place,
    // and records this version's layout under the bpffs directory.
    Status complete(bpf_object* object);

    // One line per resized map, for the log: "np_conntrack_v2: max_entries
    // 1024 -> 4096, 37 entries copied". Filled by complete().
    const std::vector<std::string>& report() const { return report_; }

    // Each time new programs were attached: copies the entries the old
    // programs added to the old conntrack, affinity and socket reverse maps
    // (keys the new maps lack). One line per map that got any. The old maps
    // stay open until this object goes.
    Result<std::vector<std::string>> catchUp();

private:
    struct Resize {
        bpf_map* map = nullptr;
        std::string name;
        std::string pinPath;
        UniqueFd old;
        MapShape oldShape;
    };

    std::string bpffs_;
    std::uint32_t pinnedLayout_ = 0;  // 0: none recorded
    std::vector<Resize> resizes_;
    std::vector<Resize> pendingCatchUp_;  // datapath-written maps, after complete()
    std::vector<std::string> report_;
};

}  // namespace nodeplane::datapath
