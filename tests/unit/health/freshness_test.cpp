#include <CppUTest/TestHarness.h>

#include "health/freshness.h"

using namespace std::chrono;
using nodeplane::health::changeLate;
using nodeplane::health::MonoTime;
using nodeplane::health::PendingChange;

namespace {
const MonoTime kT0{seconds{1000}};
}

TEST_GROUP(Freshness){};

TEST(Freshness, NothingPendingIsNeverLate) {
    CHECK_FALSE(changeLate(std::nullopt, kT0, seconds{60}));
    CHECK_FALSE(changeLate(std::nullopt, kT0 + hours{24}, seconds{1}));
}

TEST(Freshness, LateExactlyFromTheBoundOn) {
    CHECK_FALSE(changeLate(kT0, kT0, seconds{60}));
    CHECK_FALSE(changeLate(kT0, kT0 + seconds{59} + milliseconds{999}, seconds{60}));
    CHECK_TRUE(changeLate(kT0, kT0 + seconds{60}, seconds{60}));
    CHECK_TRUE(changeLate(kT0, kT0 + seconds{3600}, seconds{60}));
}

TEST(Freshness, ZeroBoundNeverGoesLate) {
    CHECK_FALSE(changeLate(kT0, kT0 + hours{24 * 365}, seconds{0}));
}

TEST(Freshness, PendingChangeKeepsTheOldestNoticeUntilApplied) {
    PendingChange pending;
    CHECK_FALSE(pending.since().has_value());
    pending.notice(kT0);
    pending.notice(kT0 + seconds{30});  // a newer change does not restart the clock
    CHECK_TRUE(pending.since() == kT0);
    CHECK_TRUE(changeLate(pending.since(), kT0 + seconds{60}, seconds{60}));
    pending.applied();
    CHECK_FALSE(pending.since().has_value());
    CHECK_FALSE(changeLate(pending.since(), kT0 + seconds{60}, seconds{60}));
    pending.notice(kT0 + seconds{61});
    CHECK_TRUE(pending.since() == kT0 + seconds{61});
    CHECK_FALSE(changeLate(pending.since(), kT0 + seconds{62}, seconds{60}));
}
