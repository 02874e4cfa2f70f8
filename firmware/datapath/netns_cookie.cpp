#include "datapath/netns_cookie.h"

#include <sys/socket.h>

#include <cerrno>

#include "common/unique_fd.h"

namespace nodeplane::datapath {

Result<std::uint64_t> currentNetnsCookie() {
    // A socket belongs to the namespace of the thread that made it.
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock.valid()) return Error::fromErrno(errno, "Failed to open a socket to read the netns cookie");
    std::uint64_t cookie = 0;
    socklen_t len = sizeof(cookie);
    if (::getsockopt(sock.get(), SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) != 0)
        return Error::fromErrno(errno, "Failed to read the network namespace cookie");
    return cookie;
}

}  // namespace nodeplane::datapath
