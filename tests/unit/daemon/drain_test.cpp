// The drain state machine: which reasons make /healthz 503, which end in an
// exit and when, and how they combine.
#include <CppUTest/TestHarness.h>

#include "daemon/drain.h"

using nodeplane::daemon::DrainController;
using nodeplane::daemon::DrainReason;
using namespace std::chrono_literals;

namespace {

const DrainController::Clock::time_point t0{100s};

std::string reasonsOf(const DrainController& drain) {
    return nodeplane::daemon::describeReasons(drain.reasons());
}

}  // namespace

TEST_GROUP(Drain){};

TEST(Drain, NamesEveryReasonAsStatusShowsIt) {
    STRCMP_EQUAL("manual", std::string(toString(DrainReason::Manual)).c_str());
    STRCMP_EQUAL("stop", std::string(toString(DrainReason::Stop)).c_str());
    STRCMP_EQUAL("shutdown", std::string(toString(DrainReason::Shutdown)).c_str());
    STRCMP_EQUAL("node-deleting", std::string(toString(DrainReason::NodeDeleting)).c_str());
    STRCMP_EQUAL("node-tainted", std::string(toString(DrainReason::NodeTainted)).c_str());
}

TEST(Drain, StartsServing) {
    DrainController drain(30s);
    CHECK_FALSE(drain.draining());
    CHECK_FALSE(drain.exiting());
    CHECK_FALSE(drain.movedAwayAt().has_value());
    LONGS_EQUAL(0, drain.reasons().size());
}

TEST(Drain, StopDrainsThenExitsAfterDrainSeconds) {
    DrainController drain(30s);
    auto change = drain.begin(DrainReason::Stop, t0);
    CHECK_TRUE(change.drainingChanged);
    CHECK_TRUE(change.exitArmed);
    CHECK_FALSE(change.manualChanged);
    CHECK_TRUE(drain.draining());
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
    STRCMP_EQUAL("stop", reasonsOf(drain).c_str());
}

TEST(Drain, RepeatedStopChangesNothing) {
    DrainController drain(30s);
    drain.begin(DrainReason::Stop, t0);
    auto again = drain.begin(DrainReason::Stop, t0 + 10s);
    CHECK_FALSE(again.any());
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
}

TEST(Drain, ManualDrainKeepsRunningAndUndrainReverses) {
    DrainController drain(30s);
    auto change = drain.begin(DrainReason::Manual, t0);
    CHECK_TRUE(change.drainingChanged);
    CHECK_TRUE(change.manualChanged);
    CHECK_FALSE(change.exitArmed);
    CHECK_FALSE(drain.exiting());
    CHECK_TRUE(drain.movedAwayAt() == t0 + 30s);

    auto undone = drain.undrain();
    CHECK_TRUE(undone.ok());
    CHECK_TRUE(undone->drainingChanged);
    CHECK_TRUE(undone->manualChanged);
    CHECK_FALSE(drain.draining());
}

TEST(Drain, UndrainWhenNotDrainedDoesNothing) {
    DrainController drain(30s);
    auto undone = drain.undrain();
    CHECK_TRUE(undone.ok());
    CHECK_FALSE(undone->any());
}

TEST(Drain, ManualThenStopExitsWhenTheManualDrainHasRunItsTime) {
    DrainController drain(30s);
    drain.begin(DrainReason::Manual, t0);
    // Stopped 10 s into the manual drain: load balancers saw 503 from t0.
    auto change = drain.begin(DrainReason::Stop, t0 + 10s);
    CHECK_FALSE(change.drainingChanged);
    CHECK_TRUE(change.exitArmed);
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
    STRCMP_EQUAL("stop, manual", reasonsOf(drain).c_str());

    DrainController longAgo(30s);
    longAgo.begin(DrainReason::Manual, t0);
    longAgo.begin(DrainReason::Stop, t0 + 45s);
    CHECK_TRUE(longAgo.exitAt() == t0 + 45s);  // at once
}

TEST(Drain, UndrainDuringAStopIsRefusedAndChangesNothing) {
    DrainController drain(30s);
    drain.begin(DrainReason::Manual, t0);
    drain.begin(DrainReason::Stop, t0 + 1s);
    auto undone = drain.undrain();
    CHECK_FALSE(undone.ok());
    STRCMP_CONTAINS("stop", undone.error().message.c_str());
    CHECK_TRUE(drain.has(DrainReason::Manual));
    CHECK_TRUE(drain.draining());
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
}

TEST(Drain, ShutdownExitsLikeAStop) {
    DrainController drain(45s);
    auto change = drain.begin(DrainReason::Shutdown, t0);
    CHECK_TRUE(change.exitArmed);
    CHECK_TRUE(drain.exitAt() == t0 + 45s);
    STRCMP_EQUAL("shutdown", reasonsOf(drain).c_str());
    // systemd's SIGTERM during the shutdown keeps the exit time.
    CHECK_FALSE(drain.begin(DrainReason::Stop, t0 + 5s).exitArmed);
    CHECK_TRUE(drain.exitAt() == t0 + 45s);
}

TEST(Drain, NodeDeletingDrainsAndExitsAndIsSticky) {
    DrainController drain(30s);
    auto change = drain.nodeChanged(/*deleting=*/true, /*tainted=*/false, t0);
    CHECK_TRUE(change.drainingChanged);
    CHECK_TRUE(change.exitArmed);
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
    // A later snapshot without the deletionTimestamp does not take it back.
    auto later = drain.nodeChanged(false, false, t0 + 1s);
    CHECK_FALSE(later.any());
    CHECK_TRUE(drain.has(DrainReason::NodeDeleting));
    STRCMP_EQUAL("node-deleting", reasonsOf(drain).c_str());
}

TEST(Drain, TaintDrainsWithoutExitingAndGoesWithTheTaint) {
    DrainController drain(30s);
    auto on = drain.nodeChanged(false, true, t0);
    CHECK_TRUE(on.drainingChanged);
    CHECK_FALSE(on.exitArmed);
    CHECK_FALSE(drain.exiting());
    STRCMP_EQUAL("node-tainted", reasonsOf(drain).c_str());
    CHECK_FALSE(drain.nodeChanged(false, true, t0 + 1s).any());
    auto off = drain.nodeChanged(false, false, t0 + 2s);
    CHECK_TRUE(off.drainingChanged);
    CHECK_FALSE(drain.draining());
}

TEST(Drain, TaintGoneWhileDrainedByHandStaysDrained) {
    DrainController drain(30s);
    drain.nodeChanged(false, true, t0);
    drain.begin(DrainReason::Manual, t0 + 5s);
    auto off = drain.nodeChanged(false, false, t0 + 6s);
    CHECK_FALSE(off.drainingChanged);
    CHECK_TRUE(drain.draining());
    // Unhealthy without a break since the taint came.
    CHECK_TRUE(drain.since() == t0);
    STRCMP_EQUAL("manual", reasonsOf(drain).c_str());
}

TEST(Drain, UndrainWhileTaintedStaysDraining) {
    DrainController drain(30s);
    drain.begin(DrainReason::Manual, t0);
    drain.nodeChanged(false, true, t0 + 1s);
    auto undone = drain.undrain();
    CHECK_TRUE(undone.ok());
    CHECK_TRUE(undone->manualChanged);
    CHECK_FALSE(undone->drainingChanged);
    CHECK_TRUE(drain.draining());
    STRCMP_EQUAL("node-tainted", reasonsOf(drain).c_str());
}

TEST(Drain, TaintedThenDeletingExitsFromWhenTheTaintCame) {
    DrainController drain(30s);
    drain.nodeChanged(false, true, t0);
    auto change = drain.nodeChanged(true, true, t0 + 20s);
    CHECK_FALSE(change.drainingChanged);
    CHECK_TRUE(change.exitArmed);
    CHECK_TRUE(drain.exitAt() == t0 + 30s);
    STRCMP_EQUAL("node-deleting, node-tainted", reasonsOf(drain).c_str());
}

TEST(Drain, ResumedManualDrainCountsFromTheMarker) {
    DrainController drain(30s);
    auto change = drain.resumeManual(t0 - 20s, t0);
    CHECK_TRUE(change.drainingChanged);
    CHECK_TRUE(change.manualChanged);
    CHECK_TRUE(drain.since() == t0 - 20s);
    CHECK_TRUE(drain.movedAwayAt() == t0 + 10s);
    // A marker from the future (clock stepped back) counts from now.
    DrainController skewed(30s);
    skewed.resumeManual(t0 + 50s, t0);
    CHECK_TRUE(skewed.since() == t0);
}

TEST(Drain, ReloadedDrainSecondsApplyToLaterDrains) {
    DrainController drain(30s);
    drain.setDrainSeconds(5s);
    drain.begin(DrainReason::Stop, t0);
    CHECK_TRUE(drain.exitAt() == t0 + 5s);
}
