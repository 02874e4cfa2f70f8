#include "policy/port_ranges.h"

namespace nodeplane::policy {

std::vector<PortPrefix> portRangePrefixes(std::uint16_t first, std::uint16_t last) {
    std::vector<PortPrefix> out;
    std::uint32_t start = first;
    const std::uint32_t end = last;
    while (start <= end) {
        // The largest aligned block that starts at `start` and ends by `end`.
        int freeBits = 0;
        while (freeBits < 16) {
            std::uint32_t size = 1u << (freeBits + 1);
            if (start % size != 0 || start + size - 1 > end) break;
            ++freeBits;
        }
        out.push_back(PortPrefix{static_cast<std::uint16_t>(start), static_cast<std::uint8_t>(16 - freeBits)});
        start += 1u << freeBits;
    }
    return out;
}

}  // namespace nodeplane::policy
