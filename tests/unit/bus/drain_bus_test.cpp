// Drain over the control API: Drain()/Undrain() and the drain part of
// GetStatus round-trip, a refused undrain comes back named, and the CLI
// renders a drain for people and for jq.
#include <CppUTest/TestHarness.h>

#include "bus/control_client.h"
#include "nodeplanectl/drain_render.h"
#include "nodeplanectl/status_render.h"
#include "serve.h"
#include "served_daemon.h"

using namespace nodeplane::bus;
using nodeplane::bus::test::ServedDaemon;
using nodeplane::bus::test::whileServing;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

const system_clock::time_point kNow{seconds{1714564800}};

std::uint64_t usecOf(system_clock::time_point t) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

DrainStatus stopDuringManualDrain() {
    DrainStatus d;
    d.draining = true;
    d.exiting = true;
    d.reasons = {"stop", "manual"};
    d.sinceUsec = usecOf(kNow - seconds{10});
    d.movedAwayUsec = usecOf(kNow + seconds{20});
    d.drainSeconds = 30;
    return d;
}

}  // namespace

TEST_GROUP_BASE(DrainBus, ServedDaemon) {
    std::string socketPath = dir.path() + "/control.sock";

    nodeplane::Result<DrainOutcome> call(bool drain) {
        return whileServing(event.get(), [&]() -> nodeplane::Result<DrainOutcome> {
            auto client = ControlClient::connect(Target{socketPath, false});
            if (!client) return client.error();
            return drain ? client->drain() : client->undrain();
        });
    }
    nodeplane::Result<NodeStatus> fetchStatus() {
        return whileServing(event.get(), [&]() -> nodeplane::Result<NodeStatus> {
            auto client = ControlClient::connect(Target{socketPath, false});
            if (!client) return client.error();
            return client->status();
        });
    }
};

TEST(DrainBus, DrainAndUndrainRoundTripAndStatusCarriesTheDrain) {
    handler.current.drain = stopDuringManualDrain();
    auto server = start(socketPath);
    auto status = fetchStatus();
    CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str());
    CHECK(stopDuringManualDrain() == status->drain);

    handler.current.drain = DrainStatus{.drainSeconds = 30};
    auto drained = call(true);
    CHECK_TEXT(drained.ok(), drained.ok() ? "" : drained.error().message.c_str());
    STRCMP_EQUAL("drained", drained->message.c_str());
    CHECK(drained->drain.draining);
    LONGS_EQUAL(1, drained->drain.reasons.size());
    STRCMP_EQUAL("manual", drained->drain.reasons[0].c_str());
    LONGS_EQUAL(30, drained->drain.drainSeconds);

    auto undrained = call(false);
    CHECK(undrained.ok());
    STRCMP_EQUAL("undrained", undrained->message.c_str());
    CHECK_FALSE(undrained->drain.draining);
}

TEST(DrainBus, RefusedUndrainSaysWhy) {
    handler.refuseUndrainWith = "the daemon is draining to exit (stop); undrain cannot cancel that";
    auto server = start(socketPath);
    auto refused = call(false);
    CHECK_FALSE(refused.ok());
    STRCMP_EQUAL("Undrain refused: the daemon is draining to exit (stop); undrain cannot cancel that",
                 refused.error().message.c_str());
}

TEST_GROUP(DrainRender){};

TEST(DrainRender, TextSaysWhyAndWhenLoadBalancersMoveAway) {
    STRCMP_EQUAL("not drained", nodeplane::ctl::drainToText(DrainStatus{}, kNow).c_str());
    STRCMP_EQUAL("draining to exit (stop, manual) since 2024-05-01T11:59:50.000Z; load balancers should have "
                 "moved away in 20 s",
                 nodeplane::ctl::drainToText(stopDuringManualDrain(), kNow).c_str());
    DrainStatus manual;
    manual.draining = true;
    manual.reasons = {"manual"};
    manual.sinceUsec = usecOf(kNow - seconds{45});
    manual.movedAwayUsec = usecOf(kNow - seconds{15});
    STRCMP_EQUAL("drained (manual) since 2024-05-01T11:59:15.000Z; load balancers should have moved away 15 s ago",
                 nodeplane::ctl::drainToText(manual, kNow).c_str());
}

TEST(DrainRender, JsonHasTheDocumentedShape) {
    STRCMP_EQUAL("{\"draining\":true,\"exiting\":true,\"reasons\":[\"stop\",\"manual\"],"
                 "\"since\":\"2024-05-01T11:59:50.000Z\",\"movedAwayAt\":\"2024-05-01T12:00:20.000Z\","
                 "\"drainSeconds\":30}",
                 nodeplane::ctl::drainToJson(stopDuringManualDrain()).dump().c_str());
}
