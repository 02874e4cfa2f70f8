#include "datapath/slot_ranges.h"

#include <iterator>

namespace nodeplane::datapath {

SlotRanges::SlotRanges(std::uint32_t slots) : slots_(slots), free_(slots) {
    if (slots > 0) extents_.emplace(0, slots);
}

std::optional<std::uint32_t> SlotRanges::allocate(std::uint32_t count) {
    if (count == 0) return std::nullopt;
    for (auto it = extents_.begin(); it != extents_.end(); ++it) {
        if (it->second < count) continue;
        const std::uint32_t first = it->first;
        const std::uint32_t rest = it->second - count;
        extents_.erase(it);
        if (rest > 0) extents_.emplace(first + count, rest);
        free_ -= count;
        return first;
    }
    return std::nullopt;
}

bool SlotRanges::reserve(std::uint32_t first, std::uint32_t count) {
    if (count == 0) return true;
    if (first >= slots_ || count > slots_ - first) return false;
    // The free extent that would hold it starts at or before `first`.
    auto it = extents_.upper_bound(first);
    if (it == extents_.begin()) return false;
    --it;
    const std::uint32_t start = it->first;
    const std::uint32_t length = it->second;
    if (first + count > start + length) return false;
    extents_.erase(it);
    if (first > start) extents_.emplace(start, first - start);
    if (start + length > first + count) extents_.emplace(first + count, start + length - first - count);
    free_ -= count;
    return true;
}

void SlotRanges::release(std::uint32_t first, std::uint32_t count) {
    if (count == 0) return;
    std::uint32_t start = first;
    std::uint32_t length = count;
    auto next = extents_.lower_bound(first);
    if (next != extents_.begin()) {
        auto previous = std::prev(next);
        if (previous->first + previous->second == first) {
            start = previous->first;
            length += previous->second;
            extents_.erase(previous);
        }
    }
    if (next != extents_.end() && next->first == first + count) {
        length += next->second;
        extents_.erase(next);
    }
    extents_.emplace(start, length);
    free_ += count;
}

}  // namespace nodeplane::datapath
