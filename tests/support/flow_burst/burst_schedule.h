// The pacing of a burst, as pure arithmetic: how many datagrams are due once
// `elapsed` has passed at `ratePerSecond`. The sender sends what is due and
// sleeps to the next tick, so the achieved rate holds over the whole burst
// even though each tick sends a batch.
#pragma once

#include <chrono>
#include <cstdint>

namespace nodeplane::burst {

// Datagrams due by `elapsed` (the first is due at once), at most `count`.
std::uint32_t dueBy(std::chrono::nanoseconds elapsed, std::uint32_t ratePerSecond, std::uint32_t count);

}  // namespace nodeplane::burst
