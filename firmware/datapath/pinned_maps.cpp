#include "datapath/pinned_maps.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace nodeplane::datapath {

namespace {

// What differs between the pinned map and the object's definition; empty when
// libbpf will adopt it.
std::string difference(const bpf_map_info& pinned, const bpf_map* wanted) {
    auto field = [](const char* name, std::uint64_t have, std::uint64_t want) {
        return std::string(name) + " " + std::to_string(have) + " (wanted " + std::to_string(want) + ")";
    };
    if (pinned.type != bpf_map__type(wanted)) return field("type", pinned.type, bpf_map__type(wanted));
    if (pinned.key_size != bpf_map__key_size(wanted))
        return field("key size", pinned.key_size, bpf_map__key_size(wanted));
    if (pinned.value_size != bpf_map__value_size(wanted))
        return field("value size", pinned.value_size, bpf_map__value_size(wanted));
    if (pinned.max_entries != bpf_map__max_entries(wanted))
        return field("max_entries", pinned.max_entries, bpf_map__max_entries(wanted));
    if (pinned.map_flags != bpf_map__map_flags(wanted))
        return field("flags", pinned.map_flags, bpf_map__map_flags(wanted));
    return {};
}

}  // namespace

Result<std::vector<std::string>> unpinIncompatibleMaps(bpf_object* object) {
    std::vector<std::string> replaced;
    bpf_map* map = nullptr;
    bpf_object__for_each_map(map, object) {
        const char* path = bpf_map__pin_path(map);
        if (path == nullptr) continue;
        UniqueFd pinned(::bpf_obj_get(path));
        if (!pinned.valid()) {
            if (errno == ENOENT) continue;  // first start: nothing to adopt
            return Error::fromErrno(errno, std::string("Failed to open the pinned map '") + path + "'");
        }
        bpf_map_info info{};
        std::uint32_t len = sizeof(info);
        if (int err = ::bpf_obj_get_info_by_fd(pinned.get(), &info, &len); err != 0)
            return Error::fromErrno(err, std::string("Failed to inspect the pinned map '") + path + "'");
        auto why = difference(info, map);
        if (why.empty()) continue;
        if (::unlink(path) != 0)
            return Error::fromErrno(errno, std::string("Failed to remove the incompatible pinned map '") + path +
                                               "' (" + why + ")");
        replaced.push_back(std::string(bpf_map__name(map)) + ": " + why);
    }
    return replaced;
}

}  // namespace nodeplane::datapath
