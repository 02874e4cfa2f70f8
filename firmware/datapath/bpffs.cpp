#include "datapath/bpffs.h"

#include <bpf/bpf.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <vector>

namespace nodeplane::datapath {

namespace {

std::string parentOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string withoutTrailingSlashes(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

}  // namespace

Status makeDir(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0 || errno == EEXIST) return {};
    return Error::fromErrno(errno, "Failed to create '" + dir + "'");
}

Status prepareBpffsDir(const std::string& dirIn) {
    if (dirIn.empty()) return Error::logical("The bpffs directory is empty");
    const std::string dir = withoutTrailingSlashes(dirIn);

    // Walk up to the nearest existing ancestor; that one decides.
    std::vector<std::string> missing;
    std::string existing = dir;
    struct stat st {};
    while (::stat(existing.c_str(), &st) != 0) {
        if (errno != ENOENT) return Error::fromErrno(errno, "Failed to inspect '" + existing + "'");
        missing.push_back(existing);
        existing = parentOf(existing);
    }
    if (!S_ISDIR(st.st_mode)) return Error::logical("'" + existing + "' is not a directory");

    struct statfs fs {};
    if (::statfs(existing.c_str(), &fs) != 0)
        return Error::fromErrno(errno, "Failed to inspect the filesystem of '" + existing + "'");
    if (static_cast<unsigned long>(fs.f_type) != BPF_FS_MAGIC) {
        return Error::logical("'" + dir +
                              "' is not on a bpf filesystem: pinned maps would die with the daemon; "
                              "mount one there ('mount -t bpf bpf " +
                              existing + "') or point [datapath] bpffs at one");
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        auto made = makeDir(*it);
        if (!made) return made;
    }
    return {};
}

Status pinReplacing(int fd, const std::string& path) {
    // bpffs refuses dots in names (reserved for the kernel), hence no ".new".
    const std::string temporary = path + "__replacing";
    ::unlink(temporary.c_str());  // a leftover of a daemon that died mid-pin
    if (int err = ::bpf_obj_pin(fd, temporary.c_str()); err != 0)
        return Error::fromErrno(err, "Failed to pin '" + temporary + "'");
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(temporary.c_str());
        return Error::fromErrno(err, "Failed to replace the pin '" + path + "'");
    }
    return {};
}

}  // namespace nodeplane::datapath
