// Denials folded per (source, destination, destination port, protocol,
// direction) over a window opened by the first one; fake time, no sleeps.
#include <CppUTest/TestHarness.h>

#include "flows.h"
#include "policylog/deny_aggregator.h"

using namespace policylog_test;
using nodeplane::policylog::DenyAggregate;
using nodeplane::policylog::DenyAggregator;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {
const DenyAggregator::TimePoint t0 = DenyAggregator::TimePoint(seconds(1000));
}

TEST_GROUP(DenyAggregator) {
    DenyAggregator aggregator{seconds(5)};
    std::vector<DenyAggregate> closed;
};

TEST(DenyAggregator, SourcePortsFoldTogetherIntoOneRecordWithSourcePortZero) {
    CHECK_TRUE(aggregator.add(denied(40001), t0, closed));
    CHECK_TRUE(aggregator.add(denied(40002), t0 + seconds(1), closed));
    CHECK_TRUE(aggregator.add(denied(40003), t0 + milliseconds(4999), closed));
    LONGS_EQUAL(0, closed.size());
    LONGS_EQUAL(1, aggregator.pending());

    LONGS_EQUAL(0, aggregator.takeDue(t0 + milliseconds(4999)).size());  // window still open
    auto due = aggregator.takeDue(t0 + seconds(5));
    LONGS_EQUAL(1, due.size());
    LONGS_EQUAL(3, due[0].count);
    LONGS_EQUAL(0, due[0].first.event.srcPort);
    LONGS_EQUAL(0, aggregator.pending());
}

TEST(DenyAggregator, OtherKeysFoldApart) {
    EnrichedFlow otherPort = denied();
    otherPort.event.dstPort = 9090;
    EnrichedFlow otherDirection = denied();
    otherDirection.event.direction = PolicyDirection::Egress;
    EnrichedFlow otherProtocol = denied();
    otherProtocol.event.protocol = IPPROTO_UDP;
    EnrichedFlow otherSource = denied();
    otherSource.event.src = ip("10.84.1.9");
    aggregator.add(denied(), t0, closed);
    aggregator.add(otherPort, t0, closed);
    aggregator.add(otherDirection, t0 + seconds(1), closed);
    aggregator.add(otherProtocol, t0 + seconds(2), closed);
    aggregator.add(otherSource, t0 + seconds(3), closed);
    aggregator.add(denied(1), t0 + seconds(3), closed);
    LONGS_EQUAL(5, aggregator.pending());

    auto due = aggregator.takeDue(t0 + seconds(6));  // the first three windows ended
    LONGS_EQUAL(3, due.size());
    LONGS_EQUAL(2, due[0].count);  // oldest first
    LONGS_EQUAL(8080, due[0].first.event.dstPort);
    LONGS_EQUAL(9090, due[1].first.event.dstPort);
    CHECK(due[2].first.event.direction == PolicyDirection::Egress);
    LONGS_EQUAL(2, aggregator.pending());
}

TEST(DenyAggregator, ADenialAtTheWindowEndOpensTheNextWindow) {
    aggregator.add(denied(), t0, closed);
    aggregator.add(denied(), t0 + seconds(2), closed);
    // No tick came: the denial at exactly t0 + 5 s closes the old window.
    aggregator.add(denied(50000), t0 + seconds(5), closed);
    LONGS_EQUAL(1, closed.size());
    LONGS_EQUAL(2, closed[0].count);
    LONGS_EQUAL(0, closed[0].first.event.srcPort);
    LONGS_EQUAL(1, aggregator.pending());
    auto rest = aggregator.takeAll();
    LONGS_EQUAL(1, rest.size());
    LONGS_EQUAL(1, rest[0].count);
    LONGS_EQUAL(0, rest[0].first.event.srcPort);
}

TEST(DenyAggregator, TheTableIsBounded) {
    for (std::size_t i = 0; i < DenyAggregator::kMaxPendingKeys; ++i) {
        EnrichedFlow flow = denied();
        flow.event.src = IpAddress::v4(0x0a000000u + static_cast<std::uint32_t>(i));
        CHECK_TRUE(aggregator.add(flow, t0, closed));
    }
    EnrichedFlow oneMore = denied();
    oneMore.event.src = ip("192.0.2.1");
    CHECK_FALSE(aggregator.add(oneMore, t0, closed));
    EnrichedFlow known = denied();
    known.event.src = IpAddress::v4(0x0a000000u);
    CHECK_TRUE(aggregator.add(known, t0 + seconds(1), closed));  // a key already folding still counts
    LONGS_EQUAL(DenyAggregator::kMaxPendingKeys, aggregator.pending());
    auto all = aggregator.takeAll();
    LONGS_EQUAL(2, all[0].count);
    CHECK(all[0].first.event.src == known.event.src);
}
