#include "datapath/map_migration.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <string_view>
#include <utility>

#include "datapath/abi.h"
#include "datapath/bpffs.h"
#include "datapath/map_migration_backends.h"
#include "datapath/map_migration_layout.h"
#include "datapath/map_migration_refusal.h"
#include "datapath/pinned_maps.h"

namespace nodeplane::datapath {

namespace {

// The [datapath] setting that sizes a map, for the shrink refusal.
std::string_view settingOf(std::string_view map) {
    static constexpr std::pair<std::string_view, std::string_view> kSettings[] = {
        {NP_MAP_LOCAL_ENDPOINTS, "max-local-endpoints"}, {NP_MAP_IFACE_STATS, "max-interfaces"},
        {NP_MAP_SERVICES, "max-services"},                {NP_MAP_REV_NAT, "max-services"},
        {NP_MAP_BACKENDS, "max-backend-entries"},         {NP_MAP_BACKEND_SPILL, "max-backend-entries"},
        {NP_MAP_BACKEND_SLOTS, "max-backend-entries"},    {NP_MAP_CONNTRACK, "max-conntrack-entries"},
        {NP_MAP_IPCACHE, "max-ipcache-entries"},          {NP_MAP_POLICY, "max-policy-entries"}};
    for (const auto& [name, setting] : kSettings)
        if (name == map) return setting;
    return "its size setting";
}

// Maps the programs write: entries can appear in the old map after the copy.
bool writtenByPrograms(const std::string& name) {
    return name == NP_MAP_CONNTRACK || name == NP_MAP_AFFINITY || name == NP_MAP_SOCK_REV;
}

// Backends move by id, the spill map must be filled before the array spills
// into it, and every other map copies index by index or key by key.
int copyOrder(const std::string& name) {
    if (name == NP_MAP_BACKEND_SPILL) return 0;
    if (name == NP_MAP_BACKENDS) return 2;
    return 1;
}

}  // namespace

Result<MapMigration> MapMigration::prepare(bpf_object* object, const std::string& bpffs) {
    MapMigration migration;
    migration.bpffs_ = bpffs;
    auto recorded = readLayoutVersion(bpffs);
    if (!recorded) return recorded.error();
    migration.pinnedLayout_ = *recorded;

    auto pins = inspectPinnedMaps(object);
    if (!pins) return pins.error();
    const bool anyPinned = std::any_of(pins->begin(), pins->end(),
                                       [](const PinnedMap& p) { return p.fit != PinnedMapFit::Absent; });
    // Maps pinned before the version was recorded are layout 1; a fresh
    // directory takes this version's.
    std::uint32_t pinnedLayout = *recorded;
    if (pinnedLayout == 0) pinnedLayout = anyPinned ? 1 : kDatapathLayoutVersion;
    auto steps = layoutPath(pinnedLayout, kDatapathLayoutVersion, layoutSteps(), bpffs);
    if (!steps) return steps.error();
    if (!steps->empty()) {
        for (const LayoutStep* step : *steps)
            if (auto ok = step->run(bpffs); !ok) return ok.error();
        pins = inspectPinnedMaps(object);  // the steps made new pins
        if (!pins) return pins.error();
    }

    // Every map is checked before any is touched: one refusal leaves all.
    for (auto& pin : *pins) {
        if (pin.fit == PinnedMapFit::Incompatible)
            return layoutRefusal(bpffs, "the pinned map " + pin.name + " has " + pin.difference +
                                            ", though both say datapath layout " +
                                            std::to_string(kDatapathLayoutVersion));
        // np_backends_v2 moves by id: checked below.
        if (pin.fit != PinnedMapFit::Resized || pin.name == NP_MAP_BACKENDS) continue;
        const std::uint32_t wanted = bpf_map__max_entries(pin.map);
        auto lost = entriesThatWouldNotFit(pin.pinned.get(), pin.shape, wanted, pin.name);
        if (!lost) return lost.error();
        if (*lost > 0) {
            const bool array = isArrayMap(pin.shape.type);
            return layoutRefusal(
                bpffs, "shrinking the pinned map " + pin.name + " from " + std::to_string(pin.shape.maxEntries) +
                           " to " + std::to_string(wanted) + " entries ([datapath] " + std::string(settingOf(pin.name)) +
                           ") would drop " + std::to_string(*lost) +
                           (array ? " entries in use past the new end"
                                  : " entries it holds now (" + std::to_string(*lost) + " > " + std::to_string(wanted) +
                                        "); raise the setting to at least " + std::to_string(*lost)));
        }
    }
    // np_backends_v2 refills by id: backends that collide at their new
    // index go to the spill map, which must hold them all.
    const PinnedMap* spill = nullptr;
    for (const auto& pin : *pins)
        if (pin.name == NP_MAP_BACKEND_SPILL && pin.fit != PinnedMapFit::Absent) spill = &pin;
    for (auto& pin : *pins) {
        if (pin.fit != PinnedMapFit::Resized || pin.name != NP_MAP_BACKENDS || spill == nullptr) continue;
        const std::uint32_t wanted = bpf_map__max_entries(pin.map);
        auto spilled = backendsToSpill(pin.pinned.get(), spill->pinned.get(), wanted);
        if (!spilled) return spilled.error();
        bpf_map* newSpill = bpf_object__find_map_by_name(object, NP_MAP_BACKEND_SPILL);
        const std::uint32_t room = newSpill ? bpf_map__max_entries(newSpill) : 0;
        if (*spilled > room)
            return layoutRefusal(bpffs, "re-indexing the pinned map " + pin.name + " for " + std::to_string(wanted) +
                                            " entries ([datapath] max-backend-entries) would spill " +
                                            std::to_string(*spilled) + " backends into " NP_MAP_BACKEND_SPILL
                                            ", which holds " + std::to_string(room));
    }

    for (auto& pin : *pins) {
        if (pin.fit != PinnedMapFit::Resized) continue;
        if (int err = bpf_map__set_pin_path(pin.map, nullptr); err != 0)
            return Error::fromErrno(err, "Failed to create " + pin.name + " beside its pinned predecessor");
        migration.resizes_.push_back(Resize{pin.map, pin.name, pin.pinPath, std::move(pin.pinned), pin.shape});
    }
    std::stable_sort(migration.resizes_.begin(), migration.resizes_.end(),
                     [](const Resize& a, const Resize& b) { return copyOrder(a.name) < copyOrder(b.name); });
    return migration;
}

Status MapMigration::complete(bpf_object* object) {
    for (auto& resize : resizes_) {
        const int newFd = bpf_map__fd(resize.map);
        Result<std::uint64_t> copied = std::uint64_t{0};
        if (resize.name == NP_MAP_BACKENDS) {
            bpf_map* spill = bpf_object__find_map_by_name(object, NP_MAP_BACKEND_SPILL);
            if (spill == nullptr) return Error::logical("The datapath object has no " NP_MAP_BACKEND_SPILL);
            copied = reindexBackends(resize.old.get(), newFd, bpf_map__fd(spill));
        } else {
            copied = copyMapEntries(resize.old.get(), newFd, resize.name);
        }
        if (!copied) return copied.error();
        // The rename replaces the pin in one step; the old map lives on
        // for the old programs until the daemon attaches the new ones.
        if (auto ok = pinReplacing(newFd, resize.pinPath); !ok) return ok;
        if (int err = bpf_map__set_pin_path(resize.map, resize.pinPath.c_str()); err != 0)
            return Error::fromErrno(err, "Failed to record the pin of " + resize.name);
        report_.push_back(resize.name + ": max_entries " + std::to_string(resize.oldShape.maxEntries) + " -> " +
                          std::to_string(bpf_map__max_entries(resize.map)) + ", " + std::to_string(*copied) +
                          " entries copied");
        if (writtenByPrograms(resize.name)) pendingCatchUp_.push_back(std::move(resize));
    }
    resizes_.clear();
    if (pinnedLayout_ != kDatapathLayoutVersion) return writeLayoutVersion(bpffs_, kDatapathLayoutVersion);
    return {};
}

Result<std::vector<std::string>> MapMigration::catchUp() {
    std::vector<std::string> lines;
    for (auto& pending : pendingCatchUp_) {
        auto added = copyMissingEntries(pending.old.get(), bpf_map__fd(pending.map), pending.name);
        if (!added) return added.error();
        if (*added > 0)
            lines.push_back(pending.name + ": " + std::to_string(*added) +
                            " entries the previous programs added during the switch");
    }
    return lines;
}

}  // namespace nodeplane::datapath
