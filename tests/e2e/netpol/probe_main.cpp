// np-probe: from inside a pod, can it connect to each target? All targets at
// once (the harness probes 9 destinations per source), each within one
// timeout; prints one digit per target, in order: 1 connected, 0 not.
//
//   np-probe [--timeout-ms N] tcp|udp ADDRESS:PORT...
//
// TCP: a non-blocking connect; connected when the handshake completes (as
// agnhost connect, which upstream's matrix uses). Refused or timed out is 0.
// UDP: a connected socket sends a datagram and waits for any reply. The
// socket only accepts replies from the address it connected to, so a reply
// that comes back from the pod IP instead of the ClusterIP does not count.
// The datagram is re-sent every kUdpResendMs so one lost packet is not a
// verdict; an ICMP port-unreachable (ECONNREFUSED) is 0 at once.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "common/unique_fd.h"
#include "socket_address.h"

namespace {

using nodeplane::UniqueFd;
using nodeplane::netpol::SocketAddress;
using Clock = std::chrono::steady_clock;

constexpr int kDefaultTimeoutMs = 1000;  // upstream's probe timeout
constexpr int kUdpResendMs = 250;
constexpr char kPayload[] = "np-probe\n";

enum class Outcome { Pending, Connected, Failed };

struct Attempt {
    SocketAddress target;
    UniqueFd fd;
    Outcome outcome = Outcome::Pending;
};

bool sendDatagram(Attempt& a) {
    if (::send(a.fd.get(), kPayload, sizeof kPayload - 1, MSG_NOSIGNAL) >= 0 || errno == EAGAIN) return true;
    a.outcome = Outcome::Failed;  // ECONNREFUSED from an earlier ICMP error, or no route
    return false;
}

// Starts one attempt; it may finish at once (refused, or a local connect).
void start(Attempt& a, bool udp, int epoll) {
    a.fd.reset(::socket(a.target.family(), (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!a.fd.valid()) {
        a.outcome = Outcome::Failed;
        return;
    }
    int rc = ::connect(a.fd.get(), a.target.get(), a.target.length);
    if (rc != 0 && errno != EINPROGRESS) {
        a.outcome = Outcome::Failed;
        return;
    }
    if (udp && !sendDatagram(a)) return;
    if (!udp && rc == 0) {
        a.outcome = Outcome::Connected;
        return;
    }
    epoll_event ev{};
    ev.events = udp ? EPOLLIN : EPOLLOUT;
    ev.data.fd = a.fd.get();
    if (::epoll_ctl(epoll, EPOLL_CTL_ADD, a.fd.get(), &ev) != 0) a.outcome = Outcome::Failed;
}

// An event on a pending attempt: the connect finished, or a reply or error came.
void finish(Attempt& a, bool udp) {
    if (udp) {
        char buffer[512];
        ssize_t n = ::recv(a.fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
        if (n >= 0) a.outcome = Outcome::Connected;
        else if (errno != EAGAIN && errno != EINTR) a.outcome = Outcome::Failed;
        return;
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(a.fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    a.outcome = error == 0 ? Outcome::Connected : Outcome::Failed;
}

int msUntil(Clock::time_point t) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - Clock::now()).count();
    return ms < 0 ? 0 : static_cast<int>(ms);
}

}  // namespace

int main(int argc, char** argv) {
    int timeoutMs = kDefaultTimeoutMs;
    int arg = 1;
    if (arg + 1 < argc && std::string(argv[arg]) == "--timeout-ms") {
        timeoutMs = std::atoi(argv[arg + 1]);
        arg += 2;
    }
    if (arg + 1 >= argc || timeoutMs <= 0 || (std::string(argv[arg]) != "tcp" && std::string(argv[arg]) != "udp")) {
        std::cerr << "usage: np-probe [--timeout-ms N] tcp|udp ADDRESS:PORT...\n";
        return 2;
    }
    const bool udp = std::string(argv[arg++]) == "udp";
    std::vector<Attempt> attempts;
    for (; arg < argc; ++arg) {
        auto target = nodeplane::netpol::parseSocketAddress(argv[arg]);
        if (!target) {
            std::cerr << "np-probe: '" << argv[arg] << "' is not ADDRESS:PORT\n";
            return 2;
        }
        attempts.push_back({*target, UniqueFd(), Outcome::Pending});
    }

    UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
    if (!epoll.valid()) {
        std::cerr << "np-probe: epoll_create1: " << std::strerror(errno) << "\n";
        return 1;
    }
    for (auto& a : attempts) start(a, udp, epoll.get());

    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    auto resendAt = Clock::now() + std::chrono::milliseconds(kUdpResendMs);
    auto pending = [&] {
        for (const auto& a : attempts)
            if (a.outcome == Outcome::Pending) return true;
        return false;
    };
    while (pending() && Clock::now() < deadline) {
        int wait = msUntil(deadline);
        if (udp) wait = std::min(wait, msUntil(resendAt));
        epoll_event events[16];
        int n = ::epoll_wait(epoll.get(), events, 16, wait);
        if (n < 0 && errno != EINTR) {
            std::cerr << "np-probe: epoll_wait: " << std::strerror(errno) << "\n";
            return 1;
        }
        for (int i = 0; i < n; ++i)
            for (auto& a : attempts)
                if (a.fd.get() == events[i].data.fd && a.outcome == Outcome::Pending) finish(a, udp);
        for (auto& a : attempts)
            if (a.outcome != Outcome::Pending && a.fd.valid()) a.fd.reset();  // also leaves the epoll set
        if (udp && Clock::now() >= resendAt) {
            for (auto& a : attempts)
                if (a.outcome == Outcome::Pending) sendDatagram(a);
            resendAt = Clock::now() + std::chrono::milliseconds(kUdpResendMs);
        }
    }
    for (const auto& a : attempts) std::cout << (a.outcome == Outcome::Connected ? '1' : '0');
    std::cout << std::endl;
    return 0;
}
