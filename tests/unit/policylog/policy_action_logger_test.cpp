// The policy action log as the daemon drives it: GKE's log/delegate rules,
// denials folded per window, the per-node rate limit, counters, reload.
// A capturing sink and a fake clock; no sleeps.
#include <CppUTest/TestHarness.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "flows.h"
#include "policylog/default_sinks.h"
#include "policylog/policy_action_logger.h"

using namespace policylog_test;
using nodeplane::Error;
using nodeplane::Status;
using nodeplane::policylog::PolicyActionLogger;
using nodeplane::policylog::PolicyRecord;
using nodeplane::policylog::RecordSink;
using nodeplane::policylog::Settings;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

using TimePoint = PolicyActionLogger::TimePoint;
const TimePoint t0 = TimePoint(seconds(7000));

struct Written {
    std::string json;
    std::uint64_t count;
    bool allowed;
};

// What the sinks received, shared by every sink the factory makes.
struct Capture {
    std::vector<Written> lines;
    int sinksMade = 0;
    bool fail = false;
};

class CapturingSink final : public RecordSink {
public:
    explicit CapturingSink(Capture& capture) : capture_(capture) {}
    Status write(const PolicyRecord& record, std::string_view json, TimePoint) override {
        if (capture_.fail) return Error::fromErrno(ENOSPC, "Failed to write to '/x'");
        capture_.lines.push_back({std::string(json), record.count, record.flow.event.allowed});
        return {};
    }

private:
    Capture& capture_;
};

Settings settings(bool allowLog, bool allowDelegate, bool denyLog, bool denyDelegate) {
    Settings s;
    s.logging.allow = {allowLog, allowDelegate};
    s.logging.deny = {denyLog, denyDelegate};
    s.nodeName = "node-a";
    return s;
}

}  // namespace

TEST_GROUP(PolicyActionLogger) {
    Capture capture;
    TimePoint now = t0;

    PolicyActionLogger make(Settings s) {
        return PolicyActionLogger(
            std::move(s), [this] { return now; },
            [this](const Settings&) {
                ++capture.sinksMade;
                std::vector<std::unique_ptr<RecordSink>> sinks;
                sinks.push_back(std::make_unique<CapturingSink>(capture));
                return sinks;
            });
    }
};

TEST(PolicyActionLogger, OffByDefaultAsInGke) {
    PolicyActionLogger logger = make(Settings{});
    CHECK_FALSE(logger.enabled());
    logger.offer(allowedByNp(), true);
    logger.offer(denied(), true);
    logger.tick(t0 + seconds(10));
    logger.flush();
    LONGS_EQUAL(0, capture.lines.size());
    LONGS_EQUAL(0, logger.counters().recordsWritten);
}

TEST(PolicyActionLogger, AllowLogOnlyLogsAllows) {
    PolicyActionLogger logger = make(settings(true, false, false, false));
    logger.offer(allowedByNp(), false);
    logger.offer(denied(), true);
    logger.flush();
    LONGS_EQUAL(1, capture.lines.size());
    CHECK_TRUE(capture.lines[0].allowed);
    CHECK(capture.lines[0].json.find("\"node_name\":\"node-a\"") != std::string::npos);
    LONGS_EQUAL(1, logger.counters().recordsWritten);
}

TEST(PolicyActionLogger, AllowsThatNoPolicyDecidedAreNotLogged) {
    PolicyActionLogger logger = make(settings(true, false, true, false));
    EnrichedFlow unisolated = allowedByNp();
    unisolated.policies.clear();
    logger.offer(unisolated, true);
    LONGS_EQUAL(0, capture.lines.size());
}

TEST(PolicyActionLogger, OnlyPolicyVerdictsAreLogged) {
    PolicyActionLogger logger = make(settings(true, false, true, false));
    EnrichedFlow drop = denied();
    drop.event.kind = FlowEventKind::Drop;
    EnrichedFlow open = allowedByNp();
    open.event.kind = FlowEventKind::FlowOpen;
    logger.offer(drop, true);
    logger.offer(open, true);
    logger.flush();
    LONGS_EQUAL(0, capture.lines.size());
}

TEST(PolicyActionLogger, AllowDelegationFollowsThePredicate) {
    PolicyActionLogger logger = make(settings(true, true, false, false));
    logger.offer(allowedByNp(), false);  // no allowing policy has enable-logging: "true"
    LONGS_EQUAL(0, capture.lines.size());
    logger.offer(allowedByNp(), true);
    LONGS_EQUAL(1, capture.lines.size());
}

TEST(PolicyActionLogger, WithoutDelegationThePredicateIsIgnored) {
    PolicyActionLogger logger = make(settings(true, false, true, false));
    logger.offer(allowedByNp(), false);
    logger.offer(denied(), false);
    logger.flush();
    LONGS_EQUAL(2, capture.lines.size());
}

TEST(PolicyActionLogger, DenyDelegationFollowsThePredicate) {
    PolicyActionLogger logger = make(settings(false, false, true, true));
    logger.offer(denied(), false);  // the namespace lacks enable-deny-logging: "true"
    logger.flush();
    LONGS_EQUAL(0, capture.lines.size());
    logger.offer(denied(), true);
    logger.flush();
    LONGS_EQUAL(1, capture.lines.size());
    CHECK_FALSE(capture.lines[0].allowed);
}

TEST(PolicyActionLogger, DenialsAreFoldedForTheWindow) {
    PolicyActionLogger logger = make(settings(false, false, true, false));
    logger.offer(denied(40001), true);
    now = t0 + seconds(1);
    logger.offer(denied(40002), true);
    now = t0 + seconds(4);
    logger.offer(denied(40003), true);
    logger.tick(t0 + milliseconds(4999));
    LONGS_EQUAL(0, capture.lines.size());
    LONGS_EQUAL(1, logger.pendingDenials());
    logger.tick(t0 + seconds(5));
    LONGS_EQUAL(1, capture.lines.size());
    LONGS_EQUAL(3, capture.lines[0].count);
    // No source port (the key has none), the first denial's time; the
    // count says how many.
    CHECK(capture.lines[0].json.find("\"src_port\":0,") != std::string::npos);
    CHECK(capture.lines[0].json.find("\"count\":3") != std::string::npos);
    CHECK(capture.lines[0].json.find("\"timestamp\":\"2020-06-13T21:29:31.445836587Z\"") != std::string::npos);
    LONGS_EQUAL(0, logger.pendingDenials());
}

TEST(PolicyActionLogger, ZeroAggregationWritesEachDenialAtOnce) {
    Settings s = settings(false, false, true, false);
    s.logging.denyAggregationSeconds = 0;
    PolicyActionLogger logger = make(s);
    logger.offer(denied(), true);
    logger.offer(denied(), true);
    LONGS_EQUAL(2, capture.lines.size());
    LONGS_EQUAL(1, capture.lines[1].count);
}

TEST(PolicyActionLogger, TheRateLimitHoldsAndDropsAreCounted) {
    PolicyActionLogger logger = make(settings(true, false, false, false));
    for (int i = 0; i < 2000; ++i) logger.offer(allowedByNp(), true);
    LONGS_EQUAL(500, capture.lines.size());
    LONGS_EQUAL(500, logger.counters().recordsWritten);
    LONGS_EQUAL(1500, logger.counters().recordsDropped);
    now = t0 + seconds(1);
    for (int i = 0; i < 2000; ++i) logger.offer(allowedByNp(), true);
    LONGS_EQUAL(1000, capture.lines.size());
    LONGS_EQUAL(3000, logger.counters().recordsDropped);
}

TEST(PolicyActionLogger, FoldedDenialsAreRateLimitedWhenWritten) {
    Settings s = settings(false, false, true, false);
    s.logging.maxRecordsPerSecond = 2;
    PolicyActionLogger logger = make(s);
    for (std::uint16_t port = 1; port <= 5; ++port) {
        EnrichedFlow flow = denied();
        flow.event.dstPort = port;  // five keys
        logger.offer(flow, true);
    }
    logger.tick(t0 + seconds(5));
    LONGS_EQUAL(2, capture.lines.size());
    LONGS_EQUAL(3, logger.counters().recordsDropped);
}

TEST(PolicyActionLogger, WriteErrorsAreCounted) {
    PolicyActionLogger logger = make(settings(true, false, false, false));
    capture.fail = true;
    logger.offer(allowedByNp(), true);
    logger.offer(allowedByNp(), true);
    LONGS_EQUAL(2, logger.counters().writeErrors);
    LONGS_EQUAL(0, logger.counters().recordsWritten);
    capture.fail = false;
    logger.offer(allowedByNp(), true);
    LONGS_EQUAL(1, logger.counters().recordsWritten);
}

TEST(PolicyActionLogger, ReconfigureAppliesAndFlushesFoldedDenials) {
    PolicyActionLogger logger = make(settings(false, false, true, false));
    logger.offer(denied(), true);
    logger.offer(denied(), true);
    LONGS_EQUAL(1, capture.sinksMade);

    logger.reconfigure(settings(true, false, false, false));
    LONGS_EQUAL(1, capture.lines.size());  // written under the old settings
    LONGS_EQUAL(2, capture.lines[0].count);
    LONGS_EQUAL(1, capture.sinksMade);  // no sink key changed
    logger.offer(denied(), true);
    logger.offer(allowedByNp(), true);
    logger.flush();
    LONGS_EQUAL(2, capture.lines.size());
    CHECK_TRUE(capture.lines[1].allowed);

    Settings moved = settings(true, false, false, false);
    moved.logging.file = "/var/log/elsewhere.log";
    logger.reconfigure(moved);
    LONGS_EQUAL(2, capture.sinksMade);
}

TEST(PolicyActionLogger, ReconfigureChangesTheRate) {
    PolicyActionLogger logger = make(settings(true, false, false, false));
    Settings slow = settings(true, false, false, false);
    slow.logging.maxRecordsPerSecond = 3;
    logger.reconfigure(slow);
    for (int i = 0; i < 10; ++i) logger.offer(allowedByNp(), true);
    LONGS_EQUAL(3, capture.lines.size());
}

TEST(PolicyActionLogger, DefaultSinksWriteTheFile) {
    std::string pattern = (std::filesystem::temp_directory_path() / "np-policylog-XXXXXX").string();
    const std::string dir = ::mkdtemp(pattern.data());
    struct Cleanup {
        std::string dir;
        ~Cleanup() {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    } cleanup{dir};

    nodeplane::config::Config config;
    config.node.name = "node-a";
    config.policyLogging.allow.log = true;
    config.policyLogging.journal = false;  // a unit test must not write the host's journal
    config.policyLogging.file = dir + "/network/policy_action.log";
    Settings s = nodeplane::policylog::settingsFrom(config);
    STRCMP_EQUAL("node-a", s.nodeName.c_str());
    LONGS_EQUAL(1, nodeplane::policylog::makeDefaultSinks(s).size());

    PolicyActionLogger logger(s, [this] { return now; }, nodeplane::policylog::makeDefaultSinks);
    logger.offer(allowedByNp(), true);
    std::ifstream in(config.policyLogging.file);
    std::stringstream text;
    text << in.rdbuf();
    STRCMP_EQUAL((nodeplane::policylog::recordJson(PolicyRecord{allowedByNp(), 1, "node-a"}) + "\n").c_str(),
                 text.str().c_str());
}
