// The per-node record cap: a token bucket with burst = rate; fake time.
#include <CppUTest/TestHarness.h>

#include "policylog/rate_limiter.h"

using nodeplane::policylog::RateLimiter;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
const RateLimiter::TimePoint t0 = RateLimiter::TimePoint(seconds(50));

int taken(RateLimiter& limiter, int tries, RateLimiter::TimePoint now) {
    int n = 0;
    for (int i = 0; i < tries; ++i) n += limiter.tryTake(now) ? 1 : 0;
    return n;
}
}  // namespace

TEST_GROUP(RateLimiter){};

TEST(RateLimiter, ABurstGetsOneSecondsWorth) {
    RateLimiter limiter(500, t0);
    LONGS_EQUAL(500, taken(limiter, 2000, t0));
    LONGS_EQUAL(1500, limiter.dropped());
}

TEST(RateLimiter, RefillsAtTheRate) {
    RateLimiter limiter(500, t0);
    LONGS_EQUAL(500, taken(limiter, 500, t0));
    LONGS_EQUAL(0, taken(limiter, 1, t0 + microseconds(1999)));  // 0.9995 of a token
    LONGS_EQUAL(1, taken(limiter, 5, t0 + milliseconds(2)));
    LONGS_EQUAL(50, taken(limiter, 100, t0 + milliseconds(102)));
    // Idle for long: never more than the burst.
    LONGS_EQUAL(500, taken(limiter, 1000, t0 + seconds(3600)));
}

TEST(RateLimiter, SpreadOverASecondTheRateHolds) {
    RateLimiter limiter(500, t0);
    LONGS_EQUAL(500, taken(limiter, 500, t0));  // the burst is used up first
    int n = 0;
    for (int i = 1; i <= 2000; ++i) n += limiter.tryTake(t0 + microseconds(500 * i)) ? 1 : 0;  // 2000 over 1 s
    LONGS_EQUAL(500, n);
    LONGS_EQUAL(1500, limiter.dropped());
}

TEST(RateLimiter, ANewRateCapsTheTokensKept) {
    RateLimiter limiter(500, t0);
    limiter.setRate(10, t0);
    LONGS_EQUAL(10, taken(limiter, 100, t0));
    LONGS_EQUAL(10u, limiter.ratePerSecond());
    limiter.setRate(1000, t0 + seconds(1));  // 10 earned at the old rate
    LONGS_EQUAL(10, taken(limiter, 100, t0 + seconds(1)));
}
