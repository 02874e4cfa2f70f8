#include "daemon/drain_marker.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace nodeplane::daemon {

Status writeDrainMarker(const std::string& path, const std::string& note) {
    const std::string temporary = path + ".tmp";
    UniqueFd fd(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create the drain marker '" + temporary + "'");
    const std::string text = note + "\n";
    std::size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd.get(), text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::unlink(temporary.c_str());
            return Error::fromErrno(err, "Failed to write the drain marker '" + temporary + "'");
        }
        written += static_cast<std::size_t>(n);
    }
    fd.reset();
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(temporary.c_str());
        return Error::fromErrno(err, "Failed to put the drain marker in place at '" + path + "'");
    }
    return {};
}

Status removeDrainMarker(const std::string& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to remove the drain marker '" + path + "'");
    return {};
}

Result<std::optional<std::chrono::system_clock::time_point>> readDrainMarker(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<std::chrono::system_clock::time_point>{};
        return Error::fromErrno(errno, "Failed to read the drain marker '" + path + "'");
    }
    auto since = std::chrono::system_clock::time_point{std::chrono::seconds(st.st_mtim.tv_sec) +
                                                       std::chrono::nanoseconds(st.st_mtim.tv_nsec)};
    return std::optional{std::chrono::time_point_cast<std::chrono::system_clock::duration>(since)};
}

}  // namespace nodeplane::daemon
