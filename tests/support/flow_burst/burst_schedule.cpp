#include "burst_schedule.h"

namespace nodeplane::burst {

std::uint32_t dueBy(std::chrono::nanoseconds elapsed, std::uint32_t ratePerSecond, std::uint32_t count) {
    if (count == 0) return 0;
    if (elapsed.count() < 0) return 1;
    // Whole seconds and the rest apart: ns times a rate of millions would
    // overflow 64 bits within an hour.
    constexpr std::uint64_t kNsPerSecond = 1'000'000'000;
    const auto ns = static_cast<std::uint64_t>(elapsed.count());
    const std::uint64_t due = ns / kNsPerSecond * ratePerSecond + ns % kNsPerSecond * ratePerSecond / kNsPerSecond + 1;
    return due >= count ? count : static_cast<std::uint32_t>(due);
}

}  // namespace nodeplane::burst
