#include "policylog/rate_limiter.h"

#include <algorithm>

namespace nodeplane::policylog {

RateLimiter::RateLimiter(std::uint32_t ratePerSecond, TimePoint now)
    : rate_(std::max<std::uint32_t>(ratePerSecond, 1)),
      units_(static_cast<std::int64_t>(rate_) * kUnitsPerToken),
      last_(now) {}

void RateLimiter::refill(TimePoint now) {
    if (now <= last_) return;  // a clock that stands still (or a stale caller) earns nothing
    const std::int64_t capacity = static_cast<std::int64_t>(rate_) * kUnitsPerToken;
    const auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now - last_).count();
    // A full second refills any bucket; clamping first keeps the product
    // from overflowing after long idle times.
    const std::int64_t earned = std::min<std::int64_t>(elapsed, kUnitsPerToken) * rate_;
    units_ = std::min(capacity, units_ + earned);
    last_ = now;
}

bool RateLimiter::tryTake(TimePoint now) {
    refill(now);
    if (units_ < kUnitsPerToken) {
        ++dropped_;
        return false;
    }
    units_ -= kUnitsPerToken;
    return true;
}

void RateLimiter::setRate(std::uint32_t ratePerSecond, TimePoint now) {
    refill(now);
    rate_ = std::max<std::uint32_t>(ratePerSecond, 1);
    units_ = std::min(units_, static_cast<std::int64_t>(rate_) * kUnitsPerToken);
}

}  // namespace nodeplane::policylog
