#include "http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/unique_fd.h"

namespace nodeplane::health::test {
namespace {

constexpr auto kExchangeTimeout = std::chrono::seconds(5);

std::string talk(const std::string& host, std::uint16_t port, const std::string& request) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, host.c_str(), &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        length = sizeof *sin;
    } else if (::inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        length = sizeof *sin6;
    } else {
        return "error: bad host";
    }
    UniqueFd fd(::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return std::string("error: socket: ") + std::strerror(errno);
    timeval timeout{static_cast<time_t>(kExchangeTimeout.count()), 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&storage), length) != 0)
        return std::string("error: connect: ") + std::strerror(errno);
    size_t sent = 0;
    while (sent < request.size()) {
        ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return std::string("error: send: ") + std::strerror(errno);
        sent += static_cast<size_t>(n);
    }
    std::string reply;
    char buf[4096];
    for (;;) {
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n == 0) break;
        if (n < 0) return std::string("error: recv: ") + std::strerror(errno);
        reply.append(buf, static_cast<size_t>(n));
    }
    return reply;
}

HttpReply parse(const std::string& raw) {
    HttpReply reply;
    reply.raw = raw;
    if (raw.rfind("error: ", 0) == 0) {
        reply.error = raw;
        return reply;
    }
    auto headEnd = raw.find("\r\n\r\n");
    if (headEnd == std::string::npos || raw.rfind("HTTP/1.1 ", 0) != 0) {
        reply.error = "malformed reply: '" + raw + "'";
        return reply;
    }
    reply.status = std::atoi(raw.c_str() + 9);
    reply.body = raw.substr(headEnd + 4);
    size_t pos = raw.find("\r\n") + 2;
    while (pos < headEnd) {
        size_t end = raw.find("\r\n", pos);
        std::string line = raw.substr(pos, end - pos);
        auto colon = line.find(':');
        if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            reply.headers[name] = value;
        }
        pos = end + 2;
    }
    return reply;
}

}  // namespace

HttpReply exchange(sd_event* event, const std::string& host, std::uint16_t port, const std::string& request) {
    std::atomic<bool> done{false};
    std::string raw;
    std::thread client([&] {
        raw = talk(host, port, request);
        done = true;
    });
    auto deadline = std::chrono::steady_clock::now() + kExchangeTimeout;
    while (!done && std::chrono::steady_clock::now() < deadline) sd_event_run(event, 20'000);
    client.join();
    return parse(raw);
}

std::string simpleRequest(const std::string& method, const std::string& path) {
    return method + " " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n";
}

}  // namespace nodeplane::health::test
