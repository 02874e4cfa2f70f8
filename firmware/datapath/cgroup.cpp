#include "datapath/cgroup.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace nodeplane::datapath {

namespace {

// A cgroup's file handle is its 8-byte id (kernfs), which is what
// bpf_link_info.cgroup.cgroup_id reports.
Result<std::uint64_t> cgroupIdOf(const std::string& path) {
    constexpr std::size_t kIdBytes = sizeof(std::uint64_t);
    alignas(file_handle) std::array<unsigned char, sizeof(file_handle) + kIdBytes> buffer{};
    auto* handle = reinterpret_cast<file_handle*>(buffer.data());
    handle->handle_bytes = kIdBytes;
    int mountId = 0;
    if (::name_to_handle_at(AT_FDCWD, path.c_str(), handle, &mountId, 0) != 0)
        return Error::fromErrno(errno, "Failed to read the cgroup id of '" + path + "'");
    if (handle->handle_bytes != kIdBytes)
        return Error::logical("'" + path + "' has a file handle of " + std::to_string(handle->handle_bytes) +
                              " bytes, not a cgroup id");
    std::uint64_t id = 0;
    std::memcpy(&id, handle->f_handle, kIdBytes);
    return id;
}

std::string whereV2Is() {
    auto mount = cgroup2MountPoint();
    if (!mount) return "this host mounts no cgroup v2 hierarchy";
    return "the cgroup v2 hierarchy is mounted at '" + *mount + "'";
}

}  // namespace

std::optional<std::string> cgroup2MountPoint() {
    // mountinfo(5): "id parent major:minor root mountpoint options [optional...] - fstype source superopts"
    std::ifstream mountinfo("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mountinfo, line)) {
        const auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::istringstream after(line.substr(dash + 3));
        std::string fstype;
        after >> fstype;
        if (fstype != "cgroup2") continue;
        std::istringstream before(line.substr(0, dash));
        std::string field, mountPoint;
        for (int i = 0; i < 5 && before >> field; ++i)
            if (i == 4) mountPoint = field;
        if (!mountPoint.empty()) return mountPoint;
    }
    return std::nullopt;
}

Result<Cgroup> openCgroup2(const std::string& path) {
    struct statfs fs {};
    if (::statfs(path.c_str(), &fs) != 0)
        return Error::fromErrno(errno, "Failed to inspect the cgroup '" + path + "'");
    if (static_cast<unsigned long>(fs.f_type) != CGROUP2_SUPER_MAGIC)
        return Error::logical("'" + path + "' is not a cgroup v2 directory (" + whereV2Is() +
                              "); point [datapath] cgroup at one, or set it to \"\" to leave the node's own "
                              "connections untranslated");
    Cgroup cgroup;
    cgroup.path = path;
    cgroup.fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!cgroup.fd.valid()) return Error::fromErrno(errno, "Failed to open the cgroup '" + path + "'");
    auto id = cgroupIdOf(path);
    if (!id) return id.error();
    cgroup.id = *id;
    return cgroup;
}

}  // namespace nodeplane::datapath
