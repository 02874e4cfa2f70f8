// IPv4/IPv6 addresses and prefixes as plain values, parsed strictly with
// inet_pton (no "1.2.3" shorthands, no zone ids).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nodeplane {

enum class IpFamily : std::uint8_t { V4 = 4, V6 = 6 };

struct IpAddress {
    IpFamily family = IpFamily::V4;
    // Network byte order; an IPv4 address uses the first 4 bytes, the rest are 0.
    std::array<std::uint8_t, 16> bytes{};

    static std::optional<IpAddress> parse(std::string_view text);
    static IpAddress v4(std::uint32_t hostOrder);
    std::string toString() const;
    bool isV4() const { return family == IpFamily::V4; }
    // IPv4 address in network byte order, as the datapath stores it.
    std::uint32_t v4Network() const;
    int bitLength() const { return isV4() ? 32 : 128; }

    auto operator<=>(const IpAddress&) const = default;
};

struct IpPrefix {
    IpAddress address;
    int length = 0;

    // Accepts "a.b.c.d/len" and "x::/len". Host bits must be zero unless
    // allowHostBits, as the Kubernetes API validates CIDRs.
    static std::optional<IpPrefix> parse(std::string_view text, bool allowHostBits = false);
    bool contains(const IpAddress& ip) const;
    std::string toString() const;

    auto operator<=>(const IpPrefix&) const = default;
};

}  // namespace nodeplane
