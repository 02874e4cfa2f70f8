// np-sim-lb's pieces without a network: its command line, and the health
// checker taking a backend up after `rise` passed checks and down after
// `fall` failed ones, against loopback /healthz servers.
#include <CppUTest/TestHarness.h>

#include <unordered_map>

#include "lb_health.h"
#include "lb_options.h"
#include "loopback_server.h"

namespace nodeplane::probe {

namespace {

using test::LoopbackServer;
using test::ServerMode;
using namespace std::chrono_literals;

LbOptions lbOptions(std::uint16_t healthPort) {
    auto options = parseLbOptions({"--listen", "127.0.0.1:1", "--backend",
                                   "n=127.0.0.1:2@127.0.0.1:" + std::to_string(healthPort), "--interval-ms", "20",
                                   "--check-timeout-ms", "20", "--fall", "2", "--rise", "3"});
    if (!options) FAIL(options.error().message.c_str());
    return *options;
}

// Drives one checker for `duration`; returns the lines it logged.
std::vector<std::string> checkFor(HealthChecker& checker, std::chrono::milliseconds duration) {
    std::vector<std::string> lines;
    const auto end = Clock::now() + duration;
    std::vector<pollfd> fds;
    std::unordered_map<int, short> revents;
    while (Clock::now() < end) {
        if (auto line = checker.tick(Clock::now())) lines.push_back(*line);
        fds.clear();
        checker.collect(fds);
        ::poll(fds.data(), fds.size(), 5);
        revents.clear();
        for (const auto& fd : fds)
            if (fd.revents) revents[fd.fd] = fd.revents;
        if (auto line = checker.onReady(revents, Clock::now())) lines.push_back(*line);
    }
    return lines;
}

}  // namespace

TEST_GROUP(SimLb){};

TEST(SimLb, ReadsItsCommandLine) {
    auto options = parseLbOptions({"--listen", "192.168.70.50:8000", "--backend",
                                   "node-a=192.168.70.2:30080@192.168.70.2:10256", "--drain-ms", "1000"});
    CHECK_TRUE(options.ok());
    LONGS_EQUAL(1, options->backends.size());
    STRCMP_EQUAL("node-a", options->backends[0].name.c_str());
    LONGS_EQUAL(30080, ntohs(options->backends[0].service.sin_port));
    LONGS_EQUAL(10256, ntohs(options->backends[0].health.sin_port));
    LONGS_EQUAL(500, options->intervalMs);
    LONGS_EQUAL(2, options->fall);
    LONGS_EQUAL(1000, options->drainMs);
    CHECK_FALSE(parseLbOptions({"--listen", "192.168.70.50:8000"}).ok());
    CHECK_FALSE(parseLbOptions({"--backend", "a=1.2.3.4:1@1.2.3.4:2"}).ok());
    CHECK_FALSE(parseLbOptions({"--listen", "1.2.3.4:1", "--backend", "a=1.2.3.4:1"}).ok());
    CHECK_FALSE(parseLbOptions({"--listen", "1.2.3.4:1", "--backend", "a=1.2.3.4:1@1.2.3.4:2", "--fall", "0"}).ok());
}

TEST(SimLb, ABackendComesUpAfterRisePassedChecks) {
    LoopbackServer health(ServerMode::Healthy);
    const auto options = lbOptions(health.port());
    HealthChecker checker(options.backends[0], options, Clock::now());
    CHECK_FALSE(checker.up());
    auto lines = checkFor(checker, 200ms);
    CHECK_TRUE(checker.up());
    LONGS_EQUAL(1, lines.size());
    STRCMP_EQUAL("n up (3 checks passed)", lines[0].c_str());
}

TEST(SimLb, AnUnhealthyBackendNeverComesUp) {
    LoopbackServer health(ServerMode::Unhealthy);
    const auto options = lbOptions(health.port());
    HealthChecker checker(options.backends[0], options, Clock::now());
    auto lines = checkFor(checker, 200ms);
    CHECK_FALSE(checker.up());
    LONGS_EQUAL(0, lines.size());  // failed checks of a backend that is down are not news
}

TEST(SimLb, ABackendGoesDownAfterFallFailedChecks) {
    auto health = std::make_unique<LoopbackServer>(ServerMode::Healthy);
    const auto options = lbOptions(health->port());
    HealthChecker checker(options.backends[0], options, Clock::now());
    (void)checkFor(checker, 200ms);
    CHECK_TRUE(checker.up());
    health.reset();  // nothing listens there any more: refused
    auto lines = checkFor(checker, 200ms);
    CHECK_FALSE(checker.up());
    CHECK_TRUE(checker.downSince().has_value());
    LONGS_EQUAL(2, lines.size());
    CHECK_TRUE(lines[0].starts_with("n check failed (1 of 2): "));
    CHECK_TRUE(lines[1].starts_with("n down (2 checks failed, last: "));
}

}  // namespace nodeplane::probe
