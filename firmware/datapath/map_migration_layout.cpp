#include "datapath/map_migration_layout.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <array>
#include <cerrno>

#include "common/unique_fd.h"
#include "datapath/bpffs.h"
#include "datapath/map_migration_refusal.h"

namespace nodeplane::datapath {

namespace {

constexpr std::uint32_t kLayoutKey = 0;

}  // namespace

std::string layoutPinPath(const std::string& bpffs) { return bpffs + "/maps/" + kLayoutMapName; }

Result<std::uint32_t> readLayoutVersion(const std::string& bpffs) {
    const std::string path = layoutPinPath(bpffs);
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) {
        if (errno == ENOENT) return 0u;
        return Error::fromErrno(errno, "Failed to open the layout version '" + path + "'");
    }
    std::uint32_t version = 0;
    if (::bpf_map_lookup_elem(fd.get(), &kLayoutKey, &version) != 0)
        return Error::fromErrno(errno, "Failed to read the layout version '" + path + "'");
    return version;
}

Status writeLayoutVersion(const std::string& bpffs, std::uint32_t version) {
    const std::string path = layoutPinPath(bpffs);
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) {
        if (errno != ENOENT) return Error::fromErrno(errno, "Failed to open the layout version '" + path + "'");
        fd.reset(::bpf_map_create(BPF_MAP_TYPE_ARRAY, kLayoutMapName, sizeof(std::uint32_t), sizeof(std::uint32_t),
                                  1, nullptr));
        if (!fd.valid()) return Error::fromErrno(errno, "Failed to create the layout version map");
        // Written before it is pinned: a reader never sees layout 0 there.
        if (::bpf_map_update_elem(fd.get(), &kLayoutKey, &version, BPF_ANY) != 0)
            return Error::fromErrno(errno, "Failed to write the layout version");
        return pinReplacing(fd.get(), path);
    }
    if (::bpf_map_update_elem(fd.get(), &kLayoutKey, &version, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write the layout version '" + path + "'");
    return {};
}

std::span<const LayoutStep> layoutSteps() {
    // A version that changes a map's layout appends its step here, say
    // {1, 2, "conntrack v2 -> v3", &migrateConntrackV3}, and raises
    // kDatapathLayoutVersion to 2.
    static const std::array<LayoutStep, 0> kSteps{};
    return kSteps;
}

Result<std::vector<const LayoutStep*>> layoutPath(std::uint32_t pinned, std::uint32_t wanted,
                                                  std::span<const LayoutStep> steps, const std::string& bpffs) {
    std::vector<const LayoutStep*> path;
    std::uint32_t at = pinned;
    // Only forward: a step never undoes a newer layout, and each step raises
    // the version, so the walk ends.
    while (at < wanted) {
        const LayoutStep* next = nullptr;
        for (const auto& step : steps)
            if (step.from == at && step.to > at && step.to <= wanted && (next == nullptr || step.to > next->to))
                next = &step;
        if (next == nullptr) break;
        path.push_back(next);
        at = next->to;
    }
    if (at == wanted) return path;
    std::string why = "pinned datapath layout " + std::to_string(pinned) + ", this version needs layout " +
                      std::to_string(wanted) + ", and ";
    why += pinned > wanted ? "it was pinned by a newer version"
                           : "this version has no migration from layout " + std::to_string(at);
    return layoutRefusal(bpffs, why);
}

}  // namespace nodeplane::datapath
