// The pressure counters across passes, and the fill warning: once when the
// table crosses 90 %, again only after it fell back under 85 %.
#include <CppUTest/TestHarness.h>

#include "daemon/conntrack_pressure.h"

using namespace nodeplane::daemon;
using namespace std::chrono;

namespace {

const system_clock::time_point kAt{seconds{1714564800}};

GcPassReport passWith(std::uint64_t seen, std::uint64_t removedClosing = 0, std::uint64_t removedUnreplied = 0) {
    GcPassReport r;
    r.seen = seen;
    r.removedByState[static_cast<std::size_t>(FlowState::TcpClosing)] = removedClosing;
    r.removedByState[static_cast<std::size_t>(FlowState::Unreplied)] = removedUnreplied;
    r.removed = removedClosing + removedUnreplied;
    return r;
}

}  // namespace

TEST_GROUP(ConntrackPressure) {
    ConntrackPressureTracker tracker{seconds(10)};
};

TEST(ConntrackPressure, BeforeAnyPassEveryStateIsThereAtZero) {
    const auto& p = tracker.pressure();
    LONGS_EQUAL(10, p.gcIntervalSeconds);
    LONGS_EQUAL(0, p.gcPasses);
    CHECK(p.lastGcUsec == 0);
    LONGS_EQUAL(5, p.agedOutByState.size());
    const char* names[] = {"syn-sent", "established", "closing", "unreplied", "replied"};
    for (std::size_t i = 0; i < 5; ++i) {
        STRCMP_EQUAL(names[i], p.agedOutByState[i].name.c_str());
        CHECK(p.agedOutByState[i].value == 0);
    }
}

TEST(ConntrackPressure, PassesAddUp) {
    CHECK_FALSE(tracker.recordPass(passWith(100, 4, 2), 1000, microseconds(1500), kAt).has_value());
    CHECK_FALSE(tracker.recordPass(passWith(120, 1, 0), 1000, microseconds(800), kAt + seconds(10)).has_value());
    const auto& p = tracker.pressure();
    LONGS_EQUAL(2, p.gcPasses);
    LONGS_EQUAL(119, p.entries);  // what the last pass left
    LONGS_EQUAL(1000, p.capacity);
    CHECK(p.agedOut == 7);
    CHECK(p.agedOutByState[2].value == 5);  // closing
    CHECK(p.agedOutByState[3].value == 2);  // unreplied
    CHECK(p.lastGcDurationUsec == 800);
    CHECK(p.lastGcUsec == 1714564810000000ULL);
}

TEST(ConntrackPressure, WarnsOnceWhenTheTableCrossesNinetyPercent) {
    CHECK_FALSE(tracker.recordPass(passWith(900), 1000, microseconds(1), kAt).has_value());  // 90.0 %: not past it
    auto notice = tracker.recordPass(passWith(902, 0, 1), 1000, microseconds(1), kAt);
    CHECK(notice.has_value());
    CHECK(notice->warning);
    STRCMP_EQUAL("Conntrack table 90.1% full (901 of 1000 entries) after ageing: once full, the datapath evicts the "
                 "least recently used flows, live ones too; raise [datapath] max-conntrack-entries or shorten the "
                 "conntrack timeouts",
                 notice->message.c_str());
    // Still full, or fuller: no repeat every ten seconds.
    CHECK_FALSE(tracker.recordPass(passWith(990), 1000, microseconds(1), kAt).has_value());
    CHECK_FALSE(tracker.recordPass(passWith(870), 1000, microseconds(1), kAt).has_value());  // 87 %: not yet calm
    CHECK(tracker.warned());
}

TEST(ConntrackPressure, SaysSoWhenTheTableCalmsDownAndWarnsAgainNextTime) {
    CHECK(tracker.recordPass(passWith(950), 1000, microseconds(1), kAt).has_value());
    auto calm = tracker.recordPass(passWith(849), 1000, microseconds(1), kAt);
    CHECK(calm.has_value());
    CHECK_FALSE(calm->warning);
    STRCMP_EQUAL("Conntrack table back to 84.9% full (849 of 1000 entries)", calm->message.c_str());
    CHECK_FALSE(tracker.warned());
    auto again = tracker.recordPass(passWith(901), 1000, microseconds(1), kAt);
    CHECK(again.has_value());
    CHECK(again->warning);
}

TEST(ConntrackPressure, AFailedPassKeepsItsReasonUntilOneSucceeds) {
    tracker.recordPass(passWith(10, 1), 1000, microseconds(1), kAt);
    tracker.recordFailure("Failed to walk np_conntrack_v2: Bad file descriptor", microseconds(7), kAt + seconds(10));
    const auto& p = tracker.pressure();
    LONGS_EQUAL(2, p.gcPasses);
    STRCMP_EQUAL("Failed to walk np_conntrack_v2: Bad file descriptor", p.lastGcError.c_str());
    CHECK(p.lastGcDurationUsec == 7);
    LONGS_EQUAL(9, p.entries);  // the last count still stands
    CHECK(p.agedOut == 1);
    tracker.recordPass(passWith(10), 1000, microseconds(1), kAt + seconds(20));
    STRCMP_EQUAL("", tracker.pressure().lastGcError.c_str());
}

TEST(ConntrackPressure, AFlushEmptiesTheCount) {
    tracker.recordPass(passWith(500), 1000, microseconds(1), kAt);
    tracker.recordFlush();
    LONGS_EQUAL(0, tracker.pressure().entries);
    tracker.setInterval(seconds(30));
    LONGS_EQUAL(30, tracker.pressure().gcIntervalSeconds);
}
