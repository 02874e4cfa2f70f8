// np-serve: one process per pod serving every port of the NetworkPolicy
// matrix (upstream runs one agnhost container per port). One epoll loop, no
// threads. TCP: accept and close (the probe only needs the handshake). UDP:
// each datagram is echoed back to its sender.
//
//   np-serve tcp:80 tcp:81 udp:80 udp:81
//
// Listens on IPv4's any address. Runs until killed.
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"

namespace {

using nodeplane::UniqueFd;

struct Listener {
    bool udp = false;
    std::uint16_t port = 0;
    UniqueFd fd;
};

bool parseSpec(std::string_view spec, Listener& out) {
    auto colon = spec.find(':');
    if (colon == std::string_view::npos) return false;
    auto proto = spec.substr(0, colon);
    if (proto != "tcp" && proto != "udp") return false;
    auto digits = spec.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port == 0 || port > 65535) return false;
    out.udp = proto == "udp";
    out.port = static_cast<std::uint16_t>(port);
    return true;
}

bool open(Listener& l) {
    l.fd.reset(::socket(AF_INET, (l.udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!l.fd.valid()) return false;
    int one = 1;
    ::setsockopt(l.fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(l.port);
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    if (::bind(l.fd.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) return false;
    return l.udp || ::listen(l.fd.get(), 128) == 0;
}

void acceptAll(const Listener& l) {
    for (;;) {
        int fd = ::accept4(l.fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: drained; anything else: the client gave up, nothing to do
        UniqueFd closeOnReturn(fd);
    }
}

void echoAll(const Listener& l) {
    char buffer[2048];
    for (;;) {
        sockaddr_storage from{};
        socklen_t length = sizeof from;
        ssize_t n = ::recvfrom(l.fd.get(), buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0) return;
        // A failed send is the client's loss: its probe times out, which is the verdict.
        (void)::sendto(l.fd.get(), buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&from), length);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<Listener> listeners(static_cast<std::size_t>(argc > 1 ? argc - 1 : 0));
    if (listeners.empty()) {
        std::cerr << "usage: np-serve tcp|udp:PORT...\n";
        return 2;
    }
    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll.valid()) {
        std::cerr << "np-serve: epoll_create1: " << std::strerror(errno) << "\n";
        return 1;
    }
    for (std::size_t i = 0; i < listeners.size(); ++i) {
        Listener& l = listeners[i];
        if (!parseSpec(argv[i + 1], l)) {
            std::cerr << "np-serve: '" << argv[i + 1] << "' is not tcp:PORT or udp:PORT\n";
            return 2;
        }
        if (!open(l)) {
            std::cerr << "np-serve: cannot serve " << argv[i + 1] << ": " << std::strerror(errno) << "\n";
            return 1;
        }
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = i;
        if (::epoll_ctl(epoll.get(), EPOLL_CTL_ADD, l.fd.get(), &ev) != 0) {
            std::cerr << "np-serve: epoll_ctl: " << std::strerror(errno) << "\n";
            return 1;
        }
    }
    for (;;) {
        epoll_event events[16];
        int n = ::epoll_wait(epoll.get(), events, 16, -1);
        if (n < 0 && errno != EINTR) {
            std::cerr << "np-serve: epoll_wait: " << std::strerror(errno) << "\n";
            return 1;
        }
        for (int i = 0; i < n; ++i) {
            const Listener& l = listeners[events[i].data.u64];
            if (l.udp) echoAll(l);
            else acceptAll(l);
        }
    }
}
