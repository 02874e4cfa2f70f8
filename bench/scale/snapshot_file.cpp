#include "scale/snapshot_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "common/unique_fd.h"

namespace nodeplane::bench {

namespace {
std::string stagedPath(const std::string& path) { return path + ".staged"; }
}  // namespace

Status stageSnapshot(const std::string& path, std::string_view text) {
    const std::string staged = stagedPath(path);
    UniqueFd fd(::open(staged.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create '" + staged + "'");
    for (std::size_t done = 0; done < text.size();) {
        ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::fromErrno(errno, "Failed to write '" + staged + "'");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd.release()) != 0) return Error::fromErrno(errno, "Failed to close '" + staged + "'");
    return {};
}

Status commitSnapshot(const std::string& path) {
    if (std::rename(stagedPath(path).c_str(), path.c_str()) != 0)
        return Error::fromErrno(errno, "Failed to rename '" + stagedPath(path) + "' to '" + path + "'");
    return {};
}

}  // namespace nodeplane::bench
