// The per-node cap on policy log records (GKE: 500 a second per node): a
// token bucket refilled at `ratePerSecond`, holding at most one second's
// worth (burst = rate). Records that find it empty are dropped and counted;
// nothing waits. Time is passed in, so tests drive it without sleeping.
#pragma once

#include <chrono>
#include <cstdint>

namespace nodeplane::policylog {

class RateLimiter {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    // Starts full: the first second may use the whole burst.
    RateLimiter(std::uint32_t ratePerSecond, TimePoint now);

    // True when one more record may be written now (and takes its token);
    // false counts a drop.
    bool tryTake(TimePoint now);
    // A new rate keeps the tokens already earned, up to the new burst.
    void setRate(std::uint32_t ratePerSecond, TimePoint now);

    std::uint64_t dropped() const { return dropped_; }
    std::uint32_t ratePerSecond() const { return rate_; }

private:
    void refill(TimePoint now);

    // Tokens are kept in units of 1e-9 of a record so that refilling by
    // `rate` units per elapsed nanosecond is exact integer arithmetic.
    static constexpr std::int64_t kUnitsPerToken = 1000000000;

    std::uint32_t rate_;
    std::int64_t units_;
    TimePoint last_;
    std::uint64_t dropped_ = 0;
};

}  // namespace nodeplane::policylog
