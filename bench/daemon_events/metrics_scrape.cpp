#include "daemon_events/metrics_scrape.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "common/unique_fd.h"

namespace nodeplane::bench {
namespace {

constexpr int kTimeoutSeconds = 3;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::string httpGet(const std::string& host, std::uint16_t port, const std::string& path) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) fail("socket");
    const timeval timeout{kTimeoutSeconds, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) throw std::runtime_error("bad address " + host);
    const std::string where = host + ":" + std::to_string(port) + path;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) fail("connect " + where);
    // HTTP/1.0: the server closes after the body, so EOF ends it.
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n";
    if (::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
        fail("send to " + where);
    std::string response;
    char buf[16384];
    for (;;) {
        const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
        if (n < 0) fail("read from " + where);
        if (n == 0) break;
        response.append(buf, static_cast<std::size_t>(n));
    }
    const auto headerEnd = response.find("\r\n\r\n");
    if (response.compare(0, 12, "HTTP/1.0 200") != 0 && response.compare(0, 12, "HTTP/1.1 200") != 0)
        throw std::runtime_error(where + " answered: " + response.substr(0, response.find("\r\n")));
    if (headerEnd == std::string::npos) throw std::runtime_error(where + ": no end of headers");
    return response.substr(headerEnd + 4);
}

std::optional<double> sampleValue(std::string_view text, std::string_view name) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        if (line.size() > name.size() && line.substr(0, name.size()) == name && line[name.size()] == ' ')
            return std::stod(std::string(line.substr(name.size() + 1)));
    }
    return std::nullopt;
}

EventCounters scrapeEventCounters(const std::string& host, std::uint16_t port) {
    const std::string body = httpGet(host, port, "/metrics");
    const auto read = sampleValue(body, "nodeplane_events_read_total");
    const auto lost = sampleValue(body, "nodeplane_events_lost_total");
    if (!read || !lost) throw std::runtime_error("/metrics has no nodeplane_events_read_total or _lost_total");
    return {static_cast<std::uint64_t>(*read), static_cast<std::uint64_t>(*lost)};
}

}  // namespace nodeplane::bench
