#include "common/unix_listen_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

namespace nodeplane {
namespace {

constexpr mode_t kParentMode = 0755;
constexpr int kBacklog = 16;

Status makeParents(const std::string& path) {
    for (auto slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), kParentMode) != 0 && errno != EEXIST)
            return Error::fromErrno(errno, "Failed to create directory '" + dir + "'");
    }
    return {};
}

// A socket file that refuses connections is what a killed daemon leaves; one
// that accepts them belongs to a daemon still running.
Status removeStale(const std::string& path, const sockaddr_un& address) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0)
        return errno == ENOENT ? Status{} : Error::fromErrno(errno, "Failed to inspect '" + path + "'");
    if (!S_ISSOCK(st.st_mode)) return Error::logical("'" + path + "' exists and is not a socket, refusing to replace it");
    UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!probe.valid()) return Error::fromErrno(errno, "Failed to create a unix socket");
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 || errno == EAGAIN)
        return Error{EADDRINUSE, "Another daemon is serving on '" + path + "'"};
    if (errno != ECONNREFUSED) return Error::fromErrno(errno, "Failed to probe '" + path + "'");
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to remove the stale socket '" + path + "'");
    return {};
}

}  // namespace

UnixListenSocket::UnixListenSocket(UniqueFd fd, std::string path, dev_t dev, ino_t ino)
    : fd_(std::move(fd)), path_(std::move(path)), dev_(dev), ino_(ino) {}

UnixListenSocket::~UnixListenSocket() {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) ::unlink(path_.c_str());
}

Result<std::unique_ptr<UnixListenSocket>> UnixListenSocket::listen(const std::string& path, mode_t mode,
                                                                  std::string_view role) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.front() != '/')
        return Error::logical(std::string(role) + " path '" + path + "' is not absolute");
    if (path.size() >= sizeof address.sun_path)
        return Error::logical(std::string(role) + " path '" + path + "' is longer than " +
                              std::to_string(sizeof address.sun_path - 1) + " bytes");
    std::memcpy(address.sun_path, path.data(), path.size());
    if (auto made = makeParents(path); !made) return made.error();
    if (auto removed = removeStale(path, address); !removed) return removed.error();

    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create a unix socket");
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return Error::fromErrno(errno, "Failed to bind '" + path + "'");
    // Until listen() a connect is refused, so nobody connects under the
    // umask's mode.
    struct stat st {};
    if (::chmod(path.c_str(), mode) != 0 || ::lstat(path.c_str(), &st) != 0) {
        const int saved = errno;
        ::unlink(path.c_str());
        return Error::fromErrno(saved, "Failed to set the mode of '" + path + "'");
    }
    std::unique_ptr<UnixListenSocket> self(new UnixListenSocket(std::move(fd), path, st.st_dev, st.st_ino));
    if (::listen(self->fd(), kBacklog) != 0) return Error::fromErrno(errno, "Failed to listen on '" + path + "'");
    return self;
}

}  // namespace nodeplane
