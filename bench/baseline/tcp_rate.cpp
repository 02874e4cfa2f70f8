// tcp_rate serve PORT | tcp_rate connect IP PORT SECONDS
// The connection-rate load for the service benchmarks: the server accepts and
// closes at once (epoll, no fork per connection, so it never is the
// bottleneck); the client opens, completes and resets connections one after
// another for SECONDS and prints "connections=N failures=F rate=R" (per s).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

int serve(int port) {
    int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ls, 4096) != 0) {
        std::perror("tcp_rate: listen");
        return 1;
    }
    int ep = ::epoll_create1(0);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = ls;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    for (;;) {
        epoll_event out[1];
        if (::epoll_wait(ep, out, 1, -1) <= 0) continue;
        for (;;) {
            int c = ::accept4(ls, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0) break;
            ::close(c);
        }
    }
}

int connectLoop(const char* ip, int port, double seconds) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::inet_pton(AF_INET, ip, &addr.sin_addr) != 1) {
        std::fprintf(stderr, "tcp_rate: bad address %s\n", ip);
        return 2;
    }
    // Reset instead of FIN on close: no TIME_WAIT on the client, so the run is
    // not limited by ephemeral ports.
    const linger reset{1, 0};
    long ok = 0, failed = 0;
    auto start = std::chrono::steady_clock::now();
    auto end = start + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < end) {
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        ::setsockopt(s, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
        timeval tv{1, 0};
        ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0)
            ++ok;
        else
            ++failed;
        ::close(s);
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("connections=%ld failures=%ld rate=%.0f\n", ok, failed, ok / elapsed);
    return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "serve") == 0) return serve(std::atoi(argv[2]));
    if (argc == 5 && std::strcmp(argv[1], "connect") == 0)
        return connectLoop(argv[2], std::atoi(argv[3]), std::atof(argv[4]));
    std::fprintf(stderr, "usage: tcp_rate serve PORT | tcp_rate connect IP PORT SECONDS\n");
    return 2;
}
