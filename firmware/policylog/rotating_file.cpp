#include "policylog/rotating_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace nodeplane::policylog {
namespace {

constexpr mode_t kDirectoryMode = 0755;
// Readable by the adm group's log shippers, not by everyone: records name
// every pod's peers.
constexpr mode_t kFileMode = 0640;

std::string parentOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0) return "/";
    return path.substr(0, slash);
}

Status writeAll(int fd, const std::string& data, const std::string& path) {
    std::size_t done = 0;
    while (done < data.size()) {
        ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::fromErrno(errno, "Failed to write to '" + path + "'");
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

}  // namespace

Status makeDirectories(const std::string& path, mode_t mode) {
    if (path.empty() || path == "/") return {};
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (S_ISDIR(st.st_mode)) return {};
        return Error::fromErrno(ENOTDIR, "Failed to create directory '" + path + "'");
    }
    Status parent = makeDirectories(parentOf(path), mode);
    if (!parent.ok()) return parent;
    if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST)
        return Error::fromErrno(errno, "Failed to create directory '" + path + "'");
    return {};
}

std::string RotatingFile::backupPath(std::uint32_t n) const { return options_.path + "." + std::to_string(n); }

Status RotatingFile::open() {
    fd_.reset();
    Status dir = makeDirectories(parentOf(options_.path), kDirectoryMode);
    if (!dir.ok()) return dir;
    UniqueFd fd(::open(options_.path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, kFileMode));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to open '" + options_.path + "'");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return Error::fromErrno(errno, "Failed to stat '" + options_.path + "'");
    size_ = static_cast<std::uint64_t>(st.st_size);
    device_ = st.st_dev;
    inode_ = st.st_ino;
    fd_ = std::move(fd);
    return {};
}

Status RotatingFile::rotate() {
    fd_.reset();
    if (options_.backups == 0) {
        if (::unlink(options_.path.c_str()) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to remove '" + options_.path + "'");
        return open();
    }
    // Oldest first, so that no rename overwrites a backup still to be moved.
    if (::unlink(backupPath(options_.backups).c_str()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to remove '" + backupPath(options_.backups) + "'");
    for (std::uint32_t n = options_.backups - 1; n >= 1; --n) {
        if (::rename(backupPath(n).c_str(), backupPath(n + 1).c_str()) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to rename '" + backupPath(n) + "'");
    }
    if (::rename(options_.path.c_str(), backupPath(1).c_str()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to rename '" + options_.path + "'");
    return open();
}

Status RotatingFile::followPath() {
    struct stat st {};
    if (::stat(options_.path.c_str(), &st) == 0 && st.st_dev == device_ && st.st_ino == inode_) return {};
    // Gone or replaced: the open file is now someone else's (a backup, or
    // deleted); keep writing where the operator looks.
    return open();
}

Status RotatingFile::append(std::string_view line, TimePoint now) {
    if (!fd_.valid()) {
        Status opened = open();
        if (!opened.ok()) return opened;
        lastPathCheck_ = now;
    } else if (now - lastPathCheck_ >= kPathCheckInterval) {
        lastPathCheck_ = now;
        Status followed = followPath();
        if (!followed.ok()) return followed;
    }
    std::string data;
    data.reserve(line.size() + 1);
    data.append(line);
    data.push_back('\n');
    // A line longer than the whole limit still goes out, alone in its file.
    if (size_ > 0 && size_ + data.size() > options_.maxBytes) {
        Status rotated = rotate();
        if (!rotated.ok()) return rotated;
    }
    Status written = writeAll(fd_.get(), data, options_.path);
    if (!written.ok()) return written;
    size_ += data.size();
    return {};
}

}  // namespace nodeplane::policylog
