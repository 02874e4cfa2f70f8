#include <CppUTest/TestHarness.h>

#include "common/rfc3339.h"

using namespace std::chrono;
using nodeplane::formatRfc3339Millis;

TEST_GROUP(Rfc3339){};

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
    // 2024-02-29T23:59:58.5Z: a leap day, to catch calendar slips.
    system_clock::time_point t{seconds{1709251198} + milliseconds{500}};
    STRCMP_EQUAL("2024-02-29T23:59:58.500Z", formatRfc3339Millis(t).c_str());
}

TEST(Rfc3339, TruncatesBelowAMillisecondAndPadsFields) {
    system_clock::time_point epoch{};
    STRCMP_EQUAL("1970-01-01T00:00:00.000Z", formatRfc3339Millis(epoch).c_str());
    system_clock::time_point t{seconds{946782245} + microseconds{7999}};  // 2000-01-02T03:04:05.007999
    STRCMP_EQUAL("2000-01-02T03:04:05.007Z", formatRfc3339Millis(t).c_str());
}

TEST(Rfc3339, RoundsTowardsThePastBeforeTheEpoch) {
    system_clock::time_point t{-milliseconds{1}};
    STRCMP_EQUAL("1969-12-31T23:59:59.999Z", formatRfc3339Millis(t).c_str());
}
