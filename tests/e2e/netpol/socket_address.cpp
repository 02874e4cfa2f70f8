#include "socket_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace nodeplane::netpol {

std::optional<SocketAddress> parseSocketAddress(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon);
    std::string_view portText = text.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc{} || end != portText.data() + portText.size() || port == 0 || port > 65535) return std::nullopt;

    SocketAddress out;
    bool v6 = host.size() > 2 && host.front() == '[' && host.back() == ']';
    std::string address(v6 ? host.substr(1, host.size() - 2) : host);
    if (v6) {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(static_cast<std::uint16_t>(port));
        if (inet_pton(AF_INET6, address.c_str(), &sin6->sin6_addr) != 1) return std::nullopt;
        out.length = sizeof(sockaddr_in6);
    } else {
        auto* sin = reinterpret_cast<sockaddr_in*>(&out.storage);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(static_cast<std::uint16_t>(port));
        if (inet_pton(AF_INET, address.c_str(), &sin->sin_addr) != 1) return std::nullopt;
        out.length = sizeof(sockaddr_in);
    }
    return out;
}

}  // namespace nodeplane::netpol
