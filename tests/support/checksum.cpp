#include "support/checksum.h"

namespace nodeplane::test {

std::uint32_t onesComplementSum(const std::uint8_t* data, std::size_t len, std::uint32_t initial) {
    std::uint64_t sum = initial;
    std::size_t i = 0;
    for (; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (i < len) sum += static_cast<std::uint32_t>(data[i] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint32_t>(sum);
}

std::uint16_t internetChecksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial) {
    return static_cast<std::uint16_t>(~onesComplementSum(data, len, initial) & 0xffff);
}

}  // namespace nodeplane::test
