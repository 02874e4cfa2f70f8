#include <CppUTest/TestHarness.h>

#include <set>

#include "kube/backoff.h"

using namespace std::chrono_literals;
using nodeplane::kube::Backoff;

TEST_GROUP(Backoff){};

// Step n waits in [step/2, step] with step = min(max, initial * 2^n).
TEST(Backoff, DoublesWithinJitterBoundsUpToMax) {
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        Backoff backoff(500ms, 30'000ms, seed);
        std::chrono::milliseconds step = 500ms;
        for (int i = 0; i < 12; ++i) {
            auto delay = backoff.next();
            CHECK_TRUE(delay >= step / 2);
            CHECK_TRUE(delay <= step);
            step = std::min(step * 2, std::chrono::milliseconds{30'000});
        }
    }
}

TEST(Backoff, ResetStartsAgainFromInitial) {
    Backoff backoff(100ms, 10'000ms, 7);
    for (int i = 0; i < 10; ++i) (void)backoff.next();
    CHECK_TRUE(backoff.next() >= 5'000ms);
    backoff.reset();
    auto first = backoff.next();
    CHECK_TRUE(first >= 50ms);
    CHECK_TRUE(first <= 100ms);
}

TEST(Backoff, JitterSpreadsNodesApart) {
    std::set<long> firstDelays;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) firstDelays.insert(Backoff(1'000ms, 30'000ms, seed).next().count());
    CHECK_TRUE(firstDelays.size() > 10);
}

TEST(Backoff, MaxBelowInitialIsRaisedToInitial) {
    Backoff backoff(2'000ms, 10ms, 3);
    for (int i = 0; i < 5; ++i) {
        auto delay = backoff.next();
        CHECK_TRUE(delay >= 1'000ms);
        CHECK_TRUE(delay <= 2'000ms);
    }
}
