// A hash for IpAddress, so the observe lookups that run per event are one
// unordered_map probe, not a tree walk over 10,000 pods.
#pragma once

#include <cstddef>
#include <cstring>
#include <cstdint>

#include "common/ip.h"

namespace nodeplane::observe {

struct IpAddressHash {
    std::size_t operator()(const IpAddress& ip) const noexcept {
        std::uint64_t high = 0;
        std::uint64_t low = 0;
        std::memcpy(&high, ip.bytes.data(), sizeof high);
        std::memcpy(&low, ip.bytes.data() + sizeof high, sizeof low);
        // Mix both halves (an IPv4 address lives in the first four bytes)
        // and the family, with the 64-bit golden-ratio multiplier.
        std::uint64_t h = (high ^ (low * 0x9e3779b97f4a7c15ull)) + static_cast<std::uint64_t>(ip.family);
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ull;
        h ^= h >> 32;
        return static_cast<std::size_t>(h);
    }
};

}  // namespace nodeplane::observe
