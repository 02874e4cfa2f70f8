// The cgroup v2 directory the socket hooks attach to ([datapath] cgroup):
// opening it, checking it is one, and its id as the kernel reports it in
// link info.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/unique_fd.h"

namespace nodeplane::datapath {

struct Cgroup {
    std::string path;
    UniqueFd fd;           // O_DIRECTORY, for bpf_link_create
    std::uint64_t id = 0;  // the kernel's cgroup id (its file handle)
};

// Opens `path`, refusing anything that is not a directory of a cgroup v2
// hierarchy: on a hybrid host /sys/fs/cgroup is a tmpfs of v1 controllers,
// and the error then names where the v2 hierarchy is mounted.
Result<Cgroup> openCgroup2(const std::string& path);

// Where this mount namespace has the cgroup v2 hierarchy ("/sys/fs/cgroup",
// or "/sys/fs/cgroup/unified" on a hybrid host); nullopt when it has none.
std::optional<std::string> cgroup2MountPoint();

}  // namespace nodeplane::datapath
