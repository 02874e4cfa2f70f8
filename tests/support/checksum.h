// The Internet checksum (RFC 1071), for building and checking test packets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace nodeplane::test {

// Ones'-complement sum of 16-bit big-endian words, folded, not inverted; an
// odd trailing byte is padded with zero. Chain calls through `initial`.
std::uint32_t onesComplementSum(const std::uint8_t* data, std::size_t len, std::uint32_t initial = 0);

// The checksum field value for `data` (the inverted, folded sum), host order.
std::uint16_t internetChecksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial = 0);

}  // namespace nodeplane::test
