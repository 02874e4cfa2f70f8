#include "datapath/cgroup_links.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>

#include "common/c_handle.h"
#include "common/unique_fd.h"
#include "datapath/bpffs.h"

namespace nodeplane::datapath {

namespace {

using LinkHandle = CHandle<bpf_link, bpf_link__destroy>;

Result<CgroupLinkInfo> describeLink(int linkFd, const std::string& pinPath) {
    bpf_link_info info{};
    std::uint32_t len = sizeof(info);
    if (int err = ::bpf_obj_get_info_by_fd(linkFd, &info, &len); err != 0)
        return Error::fromErrno(err, "Failed to inspect the link pinned at '" + pinPath + "'");
    if (info.type != BPF_LINK_TYPE_CGROUP)
        return Error::logical("'" + pinPath + "' holds a link of type " + std::to_string(info.type) +
                              ", not a cgroup link");
    CgroupLinkInfo out;
    out.linkId = info.id;
    out.progId = info.prog_id;
    out.cgroupId = info.cgroup.cgroup_id;
    out.attachType = info.cgroup.attach_type;
    return out;
}

// A link whose last pin goes is released only after an RCU grace period and
// a deferred work item, so its hook would run on for a moment; detaching it
// (BPF_LINK_DETACH, Linux 5.9) takes the program off the cgroup at once. A
// link that is already defunct has nothing to detach: the error is moot.
void detachNow(int linkFd) { (void)::bpf_link_detach(linkFd); }

// The pinned link's fd, or an invalid fd when nothing is pinned there.
Result<UniqueFd> openPinned(const std::string& pinPath) {
    UniqueFd fd(::bpf_obj_get(pinPath.c_str()));
    if (fd.valid()) return fd;
    if (errno == ENOENT) return UniqueFd();
    return Error::fromErrno(errno, "Failed to open the pinned link '" + pinPath + "'");
}

}  // namespace

Result<std::optional<CgroupLinkInfo>> pinnedCgroupLink(const std::string& pinPath) {
    auto fd = openPinned(pinPath);
    if (!fd) return fd.error();
    if (!fd->valid()) return std::optional<CgroupLinkInfo>{};
    auto info = describeLink(fd->get(), pinPath);
    if (!info) return info.error();
    return std::optional<CgroupLinkInfo>{*info};
}

Status attachPinnedCgroupLink(const bpf_program* program, const Cgroup& cgroup, const std::string& pinPath) {
    const auto attachType = static_cast<std::uint32_t>(bpf_program__expected_attach_type(program));
    auto pinned = openPinned(pinPath);
    if (!pinned) return pinned.error();
    if (pinned->valid()) {
        auto info = describeLink(pinned->get(), pinPath);
        // A link on another cgroup ([datapath] cgroup changed), a defunct
        // one (its cgroup was removed) or something foreign is replaced below.
        if (info && info->cgroupId == cgroup.id && info->attachType == attachType) {
            if (::bpf_link_update(pinned->get(), bpf_program__fd(program), nullptr) == 0) return {};
            // ENOLINK: the cgroup went between the two calls; replace.
        }
    }
    LinkHandle link(bpf_program__attach_cgroup(program, cgroup.fd.get()));
    if (!link)
        return Error::fromErrno(errno, "Failed to attach " + std::string(bpf_program__name(program)) +
                                           " to the cgroup '" + cgroup.path + "'");
    // Pinned under a temporary name and renamed over the old pin. Closing our
    // fd afterwards leaves the new link to its pin.
    if (auto ok = pinReplacing(bpf_link__fd(link.get()), pinPath); !ok) return ok;
    if (pinned->valid()) detachNow(pinned->get());
    return {};
}

Status unpinLink(const std::string& pinPath) {
    auto pinned = openPinned(pinPath);
    if (!pinned) return pinned.error();
    if (pinned->valid()) detachNow(pinned->get());
    if (::unlink(pinPath.c_str()) == 0 || errno == ENOENT) return {};
    return Error::fromErrno(errno, "Failed to remove the pinned link '" + pinPath + "'");
}

}  // namespace nodeplane::datapath
