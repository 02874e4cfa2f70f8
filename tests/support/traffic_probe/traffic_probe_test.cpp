// The probe against loopback servers that behave and that do not: every kind
// of failure the e2e tests rely on it to see is counted, and a clean run
// counts none.
#include <CppUTest/TestHarness.h>

#include <nlohmann/json.hpp>

#include "loopback_server.h"
#include "probe_run.h"

namespace nodeplane::probe {

namespace {

using test::LoopbackServer;
using test::ServerMode;
using namespace std::chrono_literals;

ProbeOptions optionsFor(const std::vector<std::string>& args) {
    auto options = parseProbeOptions(args);
    if (!options) FAIL(options.error().message.c_str());
    return *options;
}

std::string local(std::uint16_t port) { return "127.0.0.1:" + std::to_string(port); }

// Runs the probe for `ms` and returns it for its counters.
ProbeRun runFor(std::vector<std::string> args, unsigned ms) {
    args.push_back("--duration-ms");
    args.push_back(std::to_string(ms));
    ProbeRun run(optionsFor(args));
    auto st = run.run(-1);
    if (!st) FAIL(st.error().message.c_str());
    return run;
}

std::uint64_t reason(const TargetStats& stats, Failure failure) {
    auto it = stats.byReason.find(failure);
    return it == stats.byReason.end() ? 0 : it->second;
}

}  // namespace

TEST_GROUP(TrafficProbeOptions){};

TEST(TrafficProbeOptions, ReadsEveryOption) {
    auto options = parseProbeOptions({"--target", "np=192.168.50.2:30080", "--denied", "deny=10.0.0.1:80",
                                      "--rate-per-second", "50", "--long-lived", "--timeout-ms", "700",
                                      "--report", "/tmp/r.json"});
    CHECK_TRUE(options.ok());
    LONGS_EQUAL(2, options->targets.size());
    STRCMP_EQUAL("np", options->targets[0].name.c_str());
    STRCMP_EQUAL("192.168.50.2:30080", options->targets[0].describeAddress().c_str());
    CHECK_TRUE(options->targets[1].kind == TargetKind::Denied);
    LONGS_EQUAL(50, options->ratePerSecond);
    LONGS_EQUAL(700, options->timeoutMs);
    CHECK_TRUE(options->longLived);
    STRCMP_EQUAL("/tmp/r.json", options->reportPath.c_str());
}

TEST(TrafficProbeOptions, RefusesWhatItCannotUse) {
    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{}, {"--target", "10.0.0.1:80"}, {"--target", "x=10.0.0.1"},
          {"--target", "x=10.0.0.300:80"}, {"--target", "x=10.0.0.1:0"}, {"--target", "x=::1:80"},
          {"--target", "x=10.0.0.1:80", "--target", "x=10.0.0.2:80"},
          {"--target", "x=10.0.0.1:80", "--rate-per-second", "0"},
          {"--target", "x=10.0.0.1:80", "--bogus", "1"}, {"--target", "x=10.0.0.1:80", "--timeout-ms"}}) {
        auto options = parseProbeOptions(bad);
        CHECK_FALSE(options.ok());
    }
}

TEST_GROUP(TrafficProbe){};

TEST(TrafficProbe, CountsNoFailureAgainstAHealthyServer) {
    LoopbackServer server(ServerMode::Echo);
    auto run = runFor({"--target", "web=" + local(server.port()), "--long-lived", "--rate-per-second", "50"}, 600);
    const auto& stats = *run.statsOf("web");
    CHECK_TRUE(stats.attempts >= 20);
    LONGS_EQUAL(0, stats.failures);
    LONGS_EQUAL(stats.attempts, stats.ok);
    LONGS_EQUAL(stats.ok, stats.answeredBy.at("srv"));
    CHECK_TRUE(stats.longLived.exchanges >= 4);
    LONGS_EQUAL(0, stats.longLived.breaks);
    LONGS_EQUAL(1, stats.longLived.opened);
    CHECK_FALSE(stats.firstFailure.has_value());
}

TEST(TrafficProbe, CountsRefusedConnections) {
    auto run = runFor({"--target", "gone=" + local(test::closedPort()), "--long-lived"}, 300);
    const auto& stats = *run.statsOf("gone");
    CHECK_TRUE(stats.attempts >= 4);
    LONGS_EQUAL(stats.attempts, stats.failures);
    LONGS_EQUAL(0, stats.ok);
    CHECK_TRUE(stats.longLived.breaks >= 1);
    LONGS_EQUAL(stats.failures + stats.longLived.breaks, reason(stats, Failure::Refused));
    CHECK_TRUE(stats.firstFailure.has_value());
}

TEST(TrafficProbe, CountsWrongAnswers) {
    LoopbackServer server(ServerMode::WrongEcho);
    auto run = runFor({"--target", "liar=" + local(server.port())}, 300);
    const auto& stats = *run.statsOf("liar");
    CHECK_TRUE(stats.failures >= 4);
    LONGS_EQUAL(0, stats.ok);
    LONGS_EQUAL(stats.failures, reason(stats, Failure::WrongAnswer));
}

TEST(TrafficProbe, CountsTimeouts) {
    LoopbackServer server(ServerMode::Silent);
    auto run = runFor({"--target", "mute=" + local(server.port()), "--long-lived", "--timeout-ms", "100"}, 500);
    const auto& stats = *run.statsOf("mute");
    CHECK_TRUE(stats.failures >= 5);
    LONGS_EQUAL(0, stats.ok);
    CHECK_TRUE(stats.longLived.breaks >= 1);
    LONGS_EQUAL(0, stats.longLived.exchanges);
    LONGS_EQUAL(stats.failures + stats.longLived.breaks, reason(stats, Failure::Timeout));
}

TEST(TrafficProbe, CountsAServerThatDiesMidRun) {
    LoopbackServer server(ServerMode::Echo, 300ms);
    auto run = runFor({"--target", "dies=" + local(server.port()), "--long-lived", "--rate-per-second", "50"}, 700);
    const auto& stats = *run.statsOf("dies");
    CHECK_TRUE(stats.ok >= 5);
    CHECK_TRUE(stats.failures >= 5);
    // The held connection was reset under it, then could not reconnect.
    CHECK_TRUE(stats.longLived.breaks >= 1);
    CHECK_TRUE(stats.longLived.exchanges >= 1);
    CHECK_TRUE(stats.failureLog.front().longLived || stats.failureLog.front().reason == Failure::Reset ||
               stats.failureLog.front().reason == Failure::Refused);
    CHECK_TRUE(reason(stats, Failure::Refused) >= 1);
}

TEST(TrafficProbe, ADeniedTargetFailsOnlyWhenItConnects) {
    LoopbackServer server(ServerMode::Echo);
    auto run = runFor({"--denied", "open=" + local(server.port()), "--denied", "shut=" + local(test::closedPort())},
                      300);
    const auto& open = *run.statsOf("open");
    CHECK_TRUE(open.failures >= 4);
    LONGS_EQUAL(open.failures, reason(open, Failure::Connected));
    const auto& shut = *run.statsOf("shut");
    CHECK_TRUE(shut.attempts >= 4);
    LONGS_EQUAL(0, shut.failures);
    LONGS_EQUAL(shut.attempts, shut.ok);
}

TEST(TrafficProbe, ReportsEveryTargetAsJson) {
    LoopbackServer server(ServerMode::Echo);
    auto run = runFor({"--target", "up=" + local(server.port()), "--target", "down=" + local(test::closedPort()),
                       "--long-lived"},
                      400);
    auto report = nlohmann::json::parse(run.report());
    const auto& up = report["targets"]["up"];
    const auto& down = report["targets"]["down"];
    LONGS_EQUAL(0, up["failures"].get<int>());
    CHECK_TRUE(up["longLived"]["survived"].get<bool>());
    CHECK_TRUE(up["firstFailure"].is_null());
    CHECK_TRUE(down["failures"].get<int>() > 0);
    CHECK_FALSE(down["longLived"]["survived"].get<bool>());
    STRCMP_EQUAL("refused", down["firstFailure"]["reason"].get<std::string>().c_str());
    CHECK_TRUE(down["reasons"]["refused"].get<int>() > 0);
    CHECK_TRUE(report["durationMs"].get<int>() >= 400);
}

}  // namespace nodeplane::probe
