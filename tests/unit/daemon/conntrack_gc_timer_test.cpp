// The ageing timer on a real sd-event loop over tables in memory: it runs a
// pass every interval, re-arms itself, and takes new settings.
#include <CppUTest/TestHarness.h>

#include <chrono>

#include "common/event.h"
#include "daemon/conntrack_gc_timer.h"
#include "fake_conntrack.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::test;
using namespace std::chrono;

namespace {

EventLoopPtr newLoop() {
    sd_event* e = nullptr;
    return EventLoopPtr(sd_event_new(&e) < 0 ? nullptr : e);
}

// Runs the loop until `done` holds or `limit` has passed.
template <typename P>
bool runUntil(sd_event* loop, P&& done, milliseconds limit) {
    auto deadline = steady_clock::now() + limit;
    while (!done() && steady_clock::now() < deadline) sd_event_run(loop, 50'000);
    return done();
}

// A flow created `ageSeconds` ago on the real monotonic clock, never answered.
TestFlow realFlow(std::uint64_t ageSeconds, std::uint16_t clientPort) {
    TestFlow f = makeFlow(0, {.clientPort = clientPort});
    const std::uint64_t at = monotonicNowNs() - ageSeconds * kSecond;
    for (auto* e : {&f.original, &f.reply}) e->createdNs = e->lastSeenNs = at;
    return f;
}

}  // namespace

TEST_GROUP(ConntrackGcTimer) {
    FakeTables t;
    EventLoopPtr loop = newLoop();

    std::unique_ptr<ConntrackGcTimer> start(ConntrackGcSettings settings) {
        auto timer = ConntrackGcTimer::start(loop.get(), {t.conntrack, t.backends, t.revNat}, settings);
        CHECK_TEXT(timer.ok(), timer.ok() ? "" : timer.error().message.c_str());
        return std::move(timer).value();
    }
};

TEST(ConntrackGcTimer, PassesRunEveryIntervalAndAgeOutTheIdle) {
    t.conntrack.size = 4;
    t.add(realFlow(120, 40001));  // syn-sent for 2 min: past 60 s
    t.add(realFlow(10, 40002));   // within its timeout
    auto timer = start({seconds(1), {}});
    const auto& pressure = timer->pressure();
    LONGS_EQUAL(4, pressure.capacity);  // read at start, before any pass
    LONGS_EQUAL(0, pressure.gcPasses);

    const auto started = steady_clock::now();
    CHECK(runUntil(loop.get(), [&] { return pressure.gcPasses >= 1; }, milliseconds(5000)));
    CHECK(steady_clock::now() - started >= milliseconds(900));  // not before the interval
    LONGS_EQUAL(2, t.conntrack.entries.size());
    CHECK(pressure.agedOut == 2);
    LONGS_EQUAL(2, pressure.entries);
    CHECK(pressure.lastGcUsec > 0);
    STRCMP_EQUAL("", pressure.lastGcError.c_str());

    // It re-armed itself.
    CHECK(runUntil(loop.get(), [&] { return pressure.gcPasses >= 2; }, milliseconds(5000)));
}

TEST(ConntrackGcTimer, NewTimeoutsApplyFromTheNextPass) {
    t.add(realFlow(10, 40001));
    auto timer = start({seconds(1), {}});
    CHECK(runUntil(loop.get(), [&] { return timer->pressure().gcPasses >= 1; }, milliseconds(5000)));
    LONGS_EQUAL(2, t.conntrack.entries.size());

    ConntrackGcSettings shorter{seconds(1), {}};
    shorter.timeouts.tcpSynSent = seconds(5);
    timer->reconfigure(shorter);
    CHECK(timer->settings() == shorter);
    CHECK(runUntil(loop.get(), [&] { return timer->pressure().gcPasses >= 2; }, milliseconds(5000)));
    LONGS_EQUAL(0, t.conntrack.entries.size());
}

TEST(ConntrackGcTimer, ALongerIntervalPostponesThePass) {
    auto timer = start({seconds(1), {}});
    timer->reconfigure({seconds(60), {}});
    LONGS_EQUAL(60, timer->pressure().gcIntervalSeconds);
    CHECK_FALSE(runUntil(loop.get(), [&] { return timer->pressure().gcPasses >= 1; }, milliseconds(1800)));
}

TEST(ConntrackGcTimer, AFailingPassIsCountedAndRetried) {
    t.add(realFlow(120, 40001));
    t.conntrack.failLookups = "Failed to read from np_conntrack_v2";
    auto timer = start({seconds(1), {}});
    CHECK(runUntil(loop.get(), [&] { return timer->pressure().gcPasses >= 1; }, milliseconds(5000)));
    STRCMP_EQUAL("Failed to read from np_conntrack_v2: Operation not permitted",
                 timer->pressure().lastGcError.c_str());
    t.conntrack.failLookups.reset();
    CHECK(runUntil(loop.get(), [&] { return timer->pressure().gcPasses >= 2; }, milliseconds(5000)));
    STRCMP_EQUAL("", timer->pressure().lastGcError.c_str());
    LONGS_EQUAL(0, t.conntrack.entries.size());
}

TEST(ConntrackGcTimer, APassOnDemandCountsLikeTheTimers) {
    t.add(realFlow(120, 40001));
    auto timer = start({seconds(60), {}});
    timer->runPass();
    LONGS_EQUAL(1, timer->pressure().gcPasses);
    LONGS_EQUAL(0, t.conntrack.entries.size());
    timer->recordFlush();
    LONGS_EQUAL(0, timer->pressure().entries);
}
