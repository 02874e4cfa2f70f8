#include "bus/control_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cstring>

namespace nodeplane::bus {
namespace {

constexpr mode_t kDirectoryMode = 0755;
constexpr mode_t kSocketMode = 0660;
constexpr int kBacklog = 16;

Status makeParents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        std::string dir = path.substr(0, slash);
        if (::mkdir(dir.c_str(), kDirectoryMode) == 0) {
            // mkdir() applies the umask; the mode is meant as written.
            if (::chmod(dir.c_str(), kDirectoryMode) != 0)
                return Error::fromErrno(errno, "Failed to set the mode of '" + dir + "'");
        } else if (errno != EEXIST) {
            return Error::fromErrno(errno, "Failed to create directory '" + dir + "'");
        }
    }
    return {};
}

bool fillAddress(const std::string& path, sockaddr_un& address) {
    std::memset(&address, 0, sizeof address);
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return false;
    std::memcpy(address.sun_path, path.c_str(), path.size());
    return true;
}

// A socket file nobody accepts on is what a killed daemon leaves behind;
// one that accepts belongs to a daemon that is still running.
Status removeIfStale(const std::string& path, const sockaddr_un& address) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return {};
        return Error::fromErrno(errno, "Failed to inspect '" + path + "'");
    }
    if (!S_ISSOCK(st.st_mode))
        return Error::logical("'" + path + "' exists and is not a socket, refusing to replace it");
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

ControlSocket::ControlSocket(UniqueFd fd, std::string path, dev_t dev, ino_t ino)
    : fd_(std::move(fd)), path_(std::move(path)), dev_(dev), ino_(ino) {}

ControlSocket::~ControlSocket() {
    struct stat st {};
    if (::lstat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) ::unlink(path_.c_str());
}

Result<std::unique_ptr<ControlSocket>> ControlSocket::listen(const std::string& path) {
    sockaddr_un address;
    if (path.empty() || path.front() != '/')
        return Error::logical("Control socket path '" + path + "' is not absolute");
    if (!fillAddress(path, address))
        return Error::logical("Control socket path '" + path + "' is longer than " +
                              std::to_string(sizeof address.sun_path - 1) + " bytes");
    if (auto made = makeParents(path); !made) return made.error();
    if (auto removed = removeIfStale(path, address); !removed) return removed.error();

    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create a unix socket");
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        return Error::fromErrno(errno, "Failed to bind '" + path + "'");
    // Before listen(): until then a connect is refused, so no peer ever sees
    // the umask's mode.
    struct stat st {};
    if (::chmod(path.c_str(), kSocketMode) != 0 || ::lstat(path.c_str(), &st) != 0) {
        int saved = errno;
        ::unlink(path.c_str());
        return Error::fromErrno(saved, "Failed to set the mode of '" + path + "'");
    }
    std::unique_ptr<ControlSocket> self(new ControlSocket(std::move(fd), path, st.st_dev, st.st_ino));
    if (::listen(self->fd(), kBacklog) != 0) return Error::fromErrno(errno, "Failed to listen on '" + path + "'");
    return self;
}

}  // namespace nodeplane::bus
