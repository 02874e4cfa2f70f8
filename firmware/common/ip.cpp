#include "common/ip.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace nodeplane {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    std::string s(text);
    IpAddress ip;
    if (::inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = IpFamily::V4;
        return ip;
    }
    if (::inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
        ip.family = IpFamily::V6;
        return ip;
    }
    return std::nullopt;
}

IpAddress IpAddress::v4(std::uint32_t hostOrder) {
    IpAddress ip;
    std::uint32_t n = htonl(hostOrder);
    std::memcpy(ip.bytes.data(), &n, 4);
    return ip;
}

std::uint32_t IpAddress::v4Network() const {
    std::uint32_t n = 0;
    std::memcpy(&n, bytes.data(), 4);
    return n;
}

std::string IpAddress::toString() const {
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(isV4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

static bool bitSet(const std::array<std::uint8_t, 16>& b, int bit) {
    return (b[bit / 8] >> (7 - bit % 8)) & 1;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text, bool allowHostBits) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr) return std::nullopt;
    auto lenText = text.substr(slash + 1);
    int len = -1;
    auto [end, ec] = std::from_chars(lenText.data(), lenText.data() + lenText.size(), len);
    if (ec != std::errc{} || end != lenText.data() + lenText.size() || lenText.empty()) return std::nullopt;
    if (len < 0 || len > addr->bitLength()) return std::nullopt;
    if (!allowHostBits) {
        for (int bit = len; bit < addr->bitLength(); ++bit)
            if (bitSet(addr->bytes, bit)) return std::nullopt;
    }
    return IpPrefix{*addr, len};
}

bool IpPrefix::contains(const IpAddress& ip) const {
    if (ip.family != address.family) return false;
    for (int bit = 0; bit < length; ++bit)
        if (bitSet(ip.bytes, bit) != bitSet(address.bytes, bit)) return false;
    return true;
}

std::string IpPrefix::toString() const { return address.toString() + "/" + std::to_string(length); }

}  // namespace nodeplane
