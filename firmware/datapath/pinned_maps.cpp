#include "datapath/pinned_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdint>

namespace nodeplane::datapath {

namespace {

std::string field(const char* name, std::uint64_t have, std::uint64_t want) {
    return std::string(name) + " " + std::to_string(have) + ", this version needs " + std::to_string(want);
}

// The first difference that makes the pin unusable as it is, and whether
// a resize migration can handle it.
void compare(PinnedMap& out, const bpf_map* wanted) {
    const MapShape& pinned = out.shape;
    out.fit = PinnedMapFit::Incompatible;
    if (pinned.type != bpf_map__type(wanted)) {
        out.difference = field("type", pinned.type, bpf_map__type(wanted));
    } else if (pinned.keySize != bpf_map__key_size(wanted)) {
        out.difference = field("key size", pinned.keySize, bpf_map__key_size(wanted));
    } else if (pinned.valueSize != bpf_map__value_size(wanted)) {
        out.difference = field("value size", pinned.valueSize, bpf_map__value_size(wanted));
    } else if (pinned.flags != bpf_map__map_flags(wanted)) {
        out.difference = field("flags", pinned.flags, bpf_map__map_flags(wanted));
    } else if (pinned.maxEntries != bpf_map__max_entries(wanted)) {
        out.fit = PinnedMapFit::Resized;
        out.difference = field("max_entries", pinned.maxEntries, bpf_map__max_entries(wanted));
    } else {
        out.fit = PinnedMapFit::Same;
    }
}

}  // namespace

Result<std::vector<PinnedMap>> inspectPinnedMaps(bpf_object* object) {
    std::vector<PinnedMap> out;
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, object) {
        const char* path = bpf_map__pin_path(map);
        if (path == nullptr) continue;  // .rodata and friends
        PinnedMap entry;
        entry.map = map;
        entry.name = bpf_map__name(map);
        entry.pinPath = path;
        entry.pinned.reset(::bpf_obj_get(path));
        if (!entry.pinned.valid()) {
            if (errno != ENOENT) return Error::fromErrno(errno, "Failed to open the pinned map '" + entry.pinPath + "'");
            out.push_back(std::move(entry));
            continue;
        }
        auto shape = mapShape(entry.pinned.get(), entry.pinPath);
        if (!shape) return shape.error();
        entry.shape = *shape;
        compare(entry, map);
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace nodeplane::datapath
