#include "config/listen_address.h"

#include <charconv>

namespace nodeplane::config {
namespace {

Error malformed(std::string_view text) {
    return Error::logical("'" + std::string(text) + "' is not IP:port (an IPv6 address in brackets: [::]:10256)");
}

}  // namespace

std::string ListenAddress::toString() const {
    std::string host = ip.isV4() ? ip.toString() : "[" + ip.toString() + "]";
    return host + ":" + std::to_string(port);
}

Result<ListenAddress> parseListenAddress(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return malformed(text);
    std::string_view host = text.substr(0, colon);
    std::string_view portText = text.substr(colon + 1);

    bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    auto ip = IpAddress::parse(host);
    // Brackets are required around IPv6 (else "::1:80" is ambiguous) and
    // refused around IPv4.
    if (!ip || bracketed == ip->isV4()) return malformed(text);

    unsigned port = 0;
    const char* end = portText.data() + portText.size();
    auto [stop, ec] = std::from_chars(portText.data(), end, port);
    if (portText.empty() || stop != end || (ec != std::errc{} && ec != std::errc::result_out_of_range))
        return malformed(text);
    if (ec == std::errc::result_out_of_range || port < 1 || port > 65535)
        return Error::logical("port " + std::string(portText) + " is out of range 1-65535");
    return ListenAddress{*ip, static_cast<std::uint16_t>(port)};
}

}  // namespace nodeplane::config
