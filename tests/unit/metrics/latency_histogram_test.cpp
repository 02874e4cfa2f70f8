// Buckets: an observation counts in the first bucket that holds it.
#include <CppUTest/TestHarness.h>

#include <cmath>

#include "metrics/latency_histogram.h"

using nodeplane::metrics::LatencyHistogram;

TEST_GROUP(LatencyHistogram){};

TEST(LatencyHistogram, EmptyHasNothing) {
    LatencyHistogram h;
    LONGS_EQUAL(0, h.count());
    for (std::size_t i = 0; i < h.bounds().size(); ++i) LONGS_EQUAL(0, h.cumulative(i));
    DOUBLES_EQUAL(0, h.sumSeconds(), 0);
}

TEST(LatencyHistogram, CountsCumulativelyAndSums) {
    LatencyHistogram h;
    h.observe(0.003);  // 0.005
    h.observe(0.005);  // 0.005 (bounds are inclusive)
    h.observe(0.7);    // 1
    LONGS_EQUAL(0, h.cumulative(1));  // <= 0.0025
    LONGS_EQUAL(2, h.cumulative(2));  // <= 0.005
    LONGS_EQUAL(2, h.cumulative(8));  // <= 0.5
    LONGS_EQUAL(3, h.cumulative(9));  // <= 1
    LONGS_EQUAL(3, h.cumulative(h.bounds().size() - 1));
    LONGS_EQUAL(3, h.count());
    DOUBLES_EQUAL(0.708, h.sumSeconds(), 1e-12);
}

TEST(LatencyHistogram, NegativeAndNaNCountAsZero) {
    LatencyHistogram h;
    h.observe(-1);
    h.observe(std::nan(""));
    LONGS_EQUAL(2, h.cumulative(0));
    DOUBLES_EQUAL(0, h.sumSeconds(), 0);
}
