// np-sim-lb: a simulated cloud load balancer in front of nodes, for the
// node-shutdown test (tests/e2e/lifecycle/load_balancer.sh). It polls each
// node's /healthz (lb_health.h), proxies every new client connection to the
// next node that is up (round robin) and leaves proxied connections alone
// when their node goes down, unless --drain-ms closes them gracefully then.
//
//   np-sim-lb --listen IP:PORT --backend NAME=IP:PORT@HEALTH-IP:PORT...
//             [--interval-ms 500] [--check-timeout-ms 400] [--fall 2]
//             [--rise 2] [--drain-ms 0]
//
// Prints one timestamped line per event (backend up/down, failed check,
// connection proxied or refused, drain) and runs until SIGTERM or SIGINT.
#include <arpa/inet.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>

#include <iostream>
#include <list>

#include "common/rfc3339.h"
#include "common/unique_fd.h"
#include "lb_health.h"
#include "lb_relay.h"

namespace {

using namespace nodeplane;
using namespace nodeplane::probe;

void event(const std::string& what) {
    std::cout << formatRfc3339Millis(std::chrono::system_clock::now()) << " " << what << std::endl;
}

std::string peerOf(int fd) {
    sockaddr_in addr{};
    socklen_t len = sizeof(addr);
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "?";
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof(ip));
    return std::string(ip) + ":" + std::to_string(ntohs(addr.sin_port));
}

Result<UniqueFd> listenOn(const sockaddr_in& address) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to create the listening socket");
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0)
        return Error::fromErrno(errno, "Failed to bind the listening socket");
    if (::listen(fd.get(), 512) != 0) return Error::fromErrno(errno, "Failed to listen");
    return fd;
}

class SimLb {
public:
    SimLb(LbOptions options, UniqueFd listener) : options_(std::move(options)), listener_(std::move(listener)) {
        const auto now = Clock::now();
        for (const auto& backend : options_.backends) checkers_.emplace_back(backend, options_, now);
        drained_.assign(checkers_.size(), false);
    }

    Status run(int stopFd) {
        std::vector<pollfd> fds;
        std::unordered_map<int, short> revents;
        for (;;) {
            auto now = Clock::now();
            Clock::time_point wake = now + std::chrono::seconds(1);
            for (auto& checker : checkers_) {
                if (auto line = checker.tick(now)) event(*line);
                wake = std::min(wake, checker.nextDeadline());
            }
            drainDownBackends(now);
            fds.clear();
            fds.push_back({stopFd, POLLIN, 0});
            fds.push_back({listener_.get(), POLLIN, 0});
            for (const auto& checker : checkers_) checker.collect(fds);
            for (const auto& relay : relays_) relay.collect(fds);
            const auto waitMs = std::chrono::ceil<std::chrono::milliseconds>(std::max(wake - now, Clock::duration{0}));
            if (::poll(fds.data(), fds.size(), static_cast<int>(std::min<long>(waitMs.count(), 100))) < 0) {
                if (errno == EINTR) continue;
                return Error::fromErrno(errno, "poll failed");
            }
            if (fds[0].revents) return {};
            revents.clear();
            for (const auto& fd : fds)
                if (fd.revents) revents[fd.fd] = fd.revents;
            now = Clock::now();
            for (auto& checker : checkers_)
                if (auto line = checker.onReady(revents, now)) event(*line);
            for (auto it = relays_.begin(); it != relays_.end();)
                it = it->onReady(revents) ? std::next(it) : relays_.erase(it);
            if (fds[1].revents & POLLIN) acceptAll();
        }
    }

private:
    void acceptAll() {
        for (;;) {
            UniqueFd client(::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (!client.valid()) return;
            auto backend = nextUp();
            if (!backend) {
                event("refused " + peerOf(client.get()) + ": no backend is up");
                continue;  // closed: the client hears a FIN before any answer
            }
            UniqueFd server(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
            const auto& to = options_.backends[*backend].service;
            if (!server.valid() ||
                (::connect(server.get(), reinterpret_cast<const sockaddr*>(&to), sizeof(to)) != 0 &&
                 errno != EINPROGRESS)) {
                event("failed to connect to " + checkers_[*backend].name() + " for " + peerOf(client.get()));
                continue;
            }
            event("proxied " + peerOf(client.get()) + " -> " + checkers_[*backend].name());
            relays_.emplace_back(std::move(client), std::move(server), *backend);
        }
    }

    std::optional<std::size_t> nextUp() {
        for (std::size_t i = 0; i < checkers_.size(); ++i) {
            const std::size_t candidate = (next_ + i) % checkers_.size();
            if (!checkers_[candidate].up()) continue;
            next_ = candidate + 1;
            return candidate;
        }
        return std::nullopt;
    }

    // The deregistration delay: connections through a backend that has
    // been down that long are closed gracefully, once.
    void drainDownBackends(Clock::time_point now) {
        if (options_.drainMs == 0) return;
        for (std::size_t i = 0; i < checkers_.size(); ++i) {
            const auto since = checkers_[i].downSince();
            if (!since || checkers_[i].up()) {
                drained_[i] = false;
                continue;
            }
            if (drained_[i] || now - *since < std::chrono::milliseconds(options_.drainMs)) continue;
            drained_[i] = true;
            std::size_t count = 0;
            for (auto& relay : relays_)
                if (relay.backend() == i && !relay.draining()) {
                    relay.drain();
                    ++count;
                }
            event("drained " + checkers_[i].name() + ": " + std::to_string(count) + " connections closed gracefully");
        }
    }

    LbOptions options_;
    UniqueFd listener_;
    std::vector<HealthChecker> checkers_;
    std::vector<bool> drained_;
    std::list<Relay> relays_;
    std::size_t next_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    auto options = parseLbOptions(std::vector<std::string>(argv + 1, argv + argc));
    if (!options) {
        std::cerr << "np-sim-lb: " << options.error().message << "\n";
        return 2;
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    ::sigprocmask(SIG_BLOCK, &mask, nullptr);
    UniqueFd stop(::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    auto listener = listenOn(options->listen);
    if (!stop.valid() || !listener) {
        std::cerr << "np-sim-lb: " << (listener ? "failed to create a signalfd" : listener.error().message) << "\n";
        return 1;
    }
    event("listening");
    SimLb lb(std::move(options).value(), std::move(listener).value());
    if (auto st = lb.run(stop.get()); !st) {
        std::cerr << "np-sim-lb: " << st.error().message << "\n";
        return 1;
    }
    return 0;
}
