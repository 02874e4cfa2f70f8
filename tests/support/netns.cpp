#include "support/netns.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "support/command.h"

namespace nodeplane::test {

namespace {

UniqueFd currentNetns() {
    UniqueFd fd(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) throw std::runtime_error(std::string("open our netns: ") + std::strerror(errno));
    return fd;
}

}  // namespace

ScopedNetns ScopedNetns::create() {
    UniqueFd original = currentNetns();
    if (::unshare(CLONE_NEWNET) != 0)
        throw std::runtime_error(std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno));
    UniqueFd created(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
    int openErr = errno;
    if (::setns(original.get(), CLONE_NEWNET) != 0) {
        // Going on in the wrong namespace could touch the host's network.
        std::fprintf(stderr, "cannot return to the original network namespace: %s\n", std::strerror(errno));
        std::abort();
    }
    if (!created.valid()) throw std::runtime_error(std::string("open the new netns: ") + std::strerror(openErr));
    ScopedNetns netns(std::move(created));
    runOrThrow({"ip", "link", "set", "lo", "up"}, netns.fd());
    return netns;
}

std::string ScopedNetns::path() const { return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd()); }

EnterNetns::EnterNetns(const ScopedNetns& netns) : original_(currentNetns()) {
    if (::setns(netns.fd(), CLONE_NEWNET) != 0)
        throw std::runtime_error(std::string("setns into the test netns: ") + std::strerror(errno));
}

EnterNetns::~EnterNetns() {
    if (::setns(original_.get(), CLONE_NEWNET) != 0) {
        std::fprintf(stderr, "cannot return to the original network namespace: %s\n", std::strerror(errno));
        std::abort();
    }
}

int addVethPair(const ScopedNetns& netns, const std::string& name, const std::string& peer,
                const ScopedNetns* peerNetns) {
    runOrThrow({"ip", "link", "add", name, "type", "veth", "peer", "name", peer}, netns.fd());
    runOrThrow({"ip", "link", "set", name, "up"}, netns.fd());
    if (peerNetns != nullptr) {
        runOrThrow({"ip", "link", "set", peer, "netns", peerNetns->path()}, netns.fd());
        runOrThrow({"ip", "link", "set", peer, "up"}, peerNetns->fd());
    } else {
        runOrThrow({"ip", "link", "set", peer, "up"}, netns.fd());
    }
    return ifindexIn(netns, name);
}

int ifindexIn(const ScopedNetns& netns, const std::string& name) {
    EnterNetns inside(netns);
    unsigned index = ::if_nametoindex(name.c_str());
    if (index == 0) throw std::runtime_error("no interface '" + name + "' in the test netns");
    return static_cast<int>(index);
}

std::string macAddressIn(const ScopedNetns& netns, const std::string& name) {
    EnterNetns inside(netns);
    // /sys/class/net shows the namespace sysfs was mounted in, not ours: ask
    // the kernel through a socket of this namespace instead.
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock.valid()) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    ifreq req{};
    std::snprintf(req.ifr_name, sizeof req.ifr_name, "%s", name.c_str());
    if (::ioctl(sock.get(), SIOCGIFHWADDR, &req) != 0)
        throw std::runtime_error("no MAC address for '" + name + "': " + std::strerror(errno));
    const auto* b = reinterpret_cast<const unsigned char*>(req.ifr_hwaddr.sa_data);
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return text;
}

}  // namespace nodeplane::test
