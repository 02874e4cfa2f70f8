// The benchmark helpers `make bench` builds on: the empty baseline loads and
// runs, and nsPerPacket reports a time for both it and a real program.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include <memory>

#include "packet_test_support.h"
#include "support/bench_baseline.h"
#include "support/counters.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

TEST_GROUP(Bench) {
    std::unique_ptr<DatapathFixture> node;
    int host = 0;
    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            host = node->addInterface("np-pod-a");
        });
    }
    void teardown() override { node.reset(); }
};

TEST(Bench, BaselineAndRealProgramReportTimePerPacket) {
    auto baseline = EmptyBaseline::load();
    CHECK_TEXT(baseline.ok(), baseline.ok() ? "" : baseline.error().message.c_str());
    const SkbContext ctx{static_cast<std::uint32_t>(host), static_cast<std::uint32_t>(host), 0};
    // A packet the program does not rewrite, so every repetition takes the
    // same path: repetitions share one skb and would see a rewritten one.
    auto frame = tcpFrame(kPodA, kPodElsewhere);
    CHECK_TRUE(node->datapath().localEndpoints().upsert(ipOf(kPodA), {static_cast<std::uint32_t>(host), 1, 0, 0}).ok());

    auto empty = testRun(baseline->programFd(), frame, ctx);
    CHECK_TRUE(empty.ok());
    CHECK_TC_ACTION(TC_ACT_OK, *empty);

    constexpr std::uint32_t kRepeat = 2000;
    auto emptyNs = nsPerPacket(baseline->programFd(), frame, ctx, kRepeat);
    auto fromPodNs = nsPerPacket(node->datapath().programFd(Program::FromPod), frame, ctx, kRepeat);
    CHECK_TRUE(emptyNs.ok());
    CHECK_TRUE(fromPodNs.ok());
    CHECK(*emptyNs > 0);
    CHECK(*fromPodNs > 0);
    // Every repetition really ran the program: it counted each one.
    LONGS_EQUAL(kRepeat, statCounter(node->datapath().stats(), "to_stack").packets);
}

TEST(Bench, RefusesZeroRepetitions) {
    CHECK_FALSE(nsPerPacket(node->datapath().programFd(Program::FromPod), tcpFrame(kPodA, kPodB), {}, 0).ok());
}
