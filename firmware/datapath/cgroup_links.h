// cgroup programs attached through bpf links pinned in bpffs, so they outlive
// the daemon as the tc filters do. A restarted daemon finds its predecessor's
// link at the same pin and swaps the program inside it (bpf_link_update): the
// hook never runs without a program. Links are multi-attach, so programs of
// others on the same cgroup hook (systemd's, say) stay untouched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "datapath/cgroup.h"

struct bpf_program;

namespace nodeplane::datapath {

struct CgroupLinkInfo {
    std::uint32_t linkId = 0;
    std::uint32_t progId = 0;
    std::uint64_t cgroupId = 0;  // 0 once the cgroup is gone (the link is defunct)
    std::uint32_t attachType = 0;  // enum bpf_attach_type
};

// The cgroup link pinned at `pinPath`; nullopt when nothing is pinned there.
// Something else pinned there (a map, another kind of link) is an error.
Result<std::optional<CgroupLinkInfo>> pinnedCgroupLink(const std::string& pinPath);

// Makes `program` run at its attach type of `cgroup` through the link pinned
// at `pinPath`. A pinned link on that cgroup and hook gets the program
// swapped in; otherwise a new link is made and pinned in place of the old
// one, whose hook goes with its pin.
Status attachPinnedCgroupLink(const bpf_program* program, const Cgroup& cgroup, const std::string& pinPath);

// Removes the pin: the link detaches once nothing else holds it. Nothing
// pinned is fine.
Status unpinLink(const std::string& pinPath);

}  // namespace nodeplane::datapath
