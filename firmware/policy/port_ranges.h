// NetworkPolicy port ranges (port .. endPort) as the port prefixes the
// datapath's policy LPM map matches: 80-90 is 80/13 (80-87), 88/15, 90/16.
#pragma once

#include <cstdint>
#include <vector>

namespace nodeplane::policy {

// `bits` leading bits of `port` are matched; 0 bits is every port.
struct PortPrefix {
    std::uint16_t port = 0;
    std::uint8_t bits = 0;

    auto operator<=>(const PortPrefix&) const = default;
};

inline constexpr PortPrefix kAnyPort{0, 0};

// The fewest prefixes that cover exactly first..last (inclusive, first <= last).
std::vector<PortPrefix> portRangePrefixes(std::uint16_t first, std::uint16_t last);

}  // namespace nodeplane::policy
