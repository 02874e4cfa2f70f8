#include "loopback_server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace nodeplane::probe::test {

namespace {

UniqueFd boundSocket(std::uint16_t& port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
        throw std::runtime_error("bind failed");
    socklen_t len = sizeof(addr);
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    return fd;
}

// Close with a reset rather than a FIN: what a peer sees when the far end
// vanishes under it.
void closeWithReset(UniqueFd& fd) {
    linger hard{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof(hard));
    fd.reset();
}

}  // namespace

std::uint16_t closedPort() {
    std::uint16_t port = 0;
    (void)boundSocket(port);
    return port;
}

LoopbackServer::LoopbackServer(ServerMode mode, std::chrono::milliseconds lifetime)
    : mode_(mode), lifetime_(lifetime), listener_(boundSocket(port_)) {
    if (::listen(listener_.get(), 128) != 0) throw std::runtime_error("listen failed");
    thread_ = std::thread([this] { serve(); });
}

LoopbackServer::~LoopbackServer() {
    stop_ = true;
    thread_.join();
}

void LoopbackServer::serve() {
    const auto start = std::chrono::steady_clock::now();
    std::map<int, std::pair<UniqueFd, std::string>> connections;  // fd -> (owner, partial line)
    std::vector<pollfd> fds;
    while (!stop_) {
        if (lifetime_.count() > 0 && std::chrono::steady_clock::now() - start >= lifetime_) {
            for (auto& [fd, connection] : connections) closeWithReset(connection.first);
            connections.clear();
            listener_.reset();
            return;
        }
        fds.clear();
        fds.push_back({listener_.get(), POLLIN, 0});
        for (const auto& [fd, connection] : connections) fds.push_back({fd, POLLIN, 0});
        if (::poll(fds.data(), fds.size(), 10) <= 0) continue;
        if (fds[0].revents & POLLIN) {
            UniqueFd accepted(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (accepted.valid()) {
                if (mode_ == ServerMode::Echo || mode_ == ServerMode::WrongEcho)
                    (void)::send(accepted.get(), "srv\n", 4, MSG_NOSIGNAL);
                const int fd = accepted.get();
                connections.emplace(fd, std::make_pair(std::move(accepted), std::string()));
            }
        }
        for (std::size_t i = 1; i < fds.size(); ++i) {
            if (fds[i].revents == 0) continue;
            auto& [owner, partial] = connections.at(fds[i].fd);
            char buffer[1024];
            const ssize_t n = ::recv(fds[i].fd, buffer, sizeof(buffer), 0);
            if (n <= 0) {
                connections.erase(fds[i].fd);
                continue;
            }
            if (mode_ == ServerMode::Silent) continue;
            if (mode_ == ServerMode::Healthy || mode_ == ServerMode::Unhealthy) {
                const std::string status = mode_ == ServerMode::Healthy ? "HTTP/1.1 200 OK\r\n\r\n"
                                                                        : "HTTP/1.1 503 Service Unavailable\r\n\r\n";
                (void)::send(fds[i].fd, status.data(), status.size(), MSG_NOSIGNAL);
                connections.erase(fds[i].fd);
                continue;
            }
            partial.append(buffer, static_cast<std::size_t>(n));
            for (auto nl = partial.find('\n'); nl != std::string::npos; nl = partial.find('\n')) {
                std::string line = partial.substr(0, nl + 1);
                partial.erase(0, nl + 1);
                if (mode_ == ServerMode::WrongEcho) line = "not " + line;
                (void)::send(fds[i].fd, line.data(), line.size(), MSG_NOSIGNAL);
            }
        }
    }
}

}  // namespace nodeplane::probe::test
