// Conntrack ageing decisions: the state of a flow from its two entries, the
// timeout boundaries, finding the partner entry, and one pass over a table.
#include <CppUTest/TestHarness.h>

#include "daemon/conntrack_gc.h"
#include "fake_conntrack.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::test;
using std::chrono::seconds;

namespace {

FlowState stateOf(const TestFlow& f) { return flowState({&f.original, &f.reply}); }

const char* name(FlowState s) { return flowStateName(s).data(); }

}  // namespace

TEST_GROUP(FlowStates){};

TEST(FlowStates, TcpWithoutAReplyIsSynSent) {
    STRCMP_EQUAL("syn-sent", name(stateOf(makeFlow(5))));
    // Retransmitted SYNs refresh the ORIGINAL only.
    auto f = makeFlow(5);
    f.original.lastSeenNs = kNow;
    STRCMP_EQUAL("syn-sent", name(stateOf(f)));
}

TEST(FlowStates, TcpWithAReplyIsEstablished) {
    STRCMP_EQUAL("established", name(stateOf(replied(makeFlow(5), 1))));
}

TEST(FlowStates, AFinOrRstInEitherDirectionIsClosing) {
    auto finFromClient = replied(makeFlow(5), 1);
    finFromClient.original.tcpFlags |= 0x01;
    finFromClient.original.closing = true;
    STRCMP_EQUAL("closing", name(stateOf(finFromClient)));

    auto rstFromBackend = replied(makeFlow(5), 1);
    rstFromBackend.reply.tcpFlags |= 0x04;
    rstFromBackend.reply.closing = true;
    STRCMP_EQUAL("closing", name(stateOf(rstFromBackend)));

    // A refused connection: the backend's first answer is a RST.
    auto refused = makeFlow(5);
    refused.reply.tcpFlags = 0x14;
    STRCMP_EQUAL("closing", name(stateOf(refused)));

    // The datapath's flag alone is enough, and so are the flag bits alone.
    auto flagOnly = replied(makeFlow(5), 1);
    flagOnly.original.closing = true;
    STRCMP_EQUAL("closing", name(stateOf(flagOnly)));
    auto bitsOnly = replied(makeFlow(5), 1);
    bitsOnly.reply.tcpFlags |= 0x01;
    STRCMP_EQUAL("closing", name(stateOf(bitsOnly)));
}

TEST(FlowStates, APolicyFlowIsOneEntryThatKnowsItWasAnswered) {
    // NetworkPolicy tracks a flow in its ORIGINAL alone (no REPLY entry).
    auto f = makeFlow(5);
    f.original.policy = true;
    STRCMP_EQUAL("syn-sent", name(flowState({&f.original, nullptr})));
    f.original.replied = true;
    STRCMP_EQUAL("established", name(flowState({&f.original, nullptr})));
    f.original.tcpFlags |= 0x01;
    STRCMP_EQUAL("closing", name(flowState({&f.original, nullptr})));
}

TEST(FlowStates, UdpIsUnrepliedUntilTheBackendAnswers) {
    auto f = makeFlow(5, {.protocol = L4Protocol::Udp});
    f.original.lastSeenNs = kNow;  // the client keeps sending
    STRCMP_EQUAL("unreplied", name(stateOf(f)));
    STRCMP_EQUAL("replied", name(stateOf(replied(f, 1))));
}

TEST(FlowStates, AnOriginalWithoutItsReplyCountsAsUnreplied) {
    // Its REPLY is gone (evicted, or forgotten for a reused tuple): replies
    // can no longer be translated back, whatever the client saw before.
    auto f = replied(makeFlow(5), 1);
    STRCMP_EQUAL("syn-sent", name(flowState({&f.original, nullptr})));
    auto u = replied(makeFlow(5, {.protocol = L4Protocol::Udp}), 1);
    STRCMP_EQUAL("unreplied", name(flowState({&u.original, nullptr})));
}

TEST(FlowStates, AReplyAloneTellsWhatItSaw) {
    auto f = replied(makeFlow(5), 1);
    STRCMP_EQUAL("established", name(flowState({nullptr, &f.reply})));
    auto fresh = makeFlow(5);
    STRCMP_EQUAL("syn-sent", name(flowState({nullptr, &fresh.reply})));
}

TEST_GROUP(FlowTimeouts) {
    ConntrackTimeouts timeouts;  // the defaults: 60, 21600, 60, 30, 120 s

    // `f` with its last packet exactly `idleNs` before kNow: a REPLY that saw
    // packets saw the last one then too; one that saw none stays as created.
    FlowVerdict judgeIdle(TestFlow f, std::uint64_t idleNs) {
        f.original.lastSeenNs = kNow - idleNs;
        if (f.reply.lastSeenNs > f.reply.createdNs) f.reply.lastSeenNs = kNow - idleNs;
        return judgeFlow({&f.original, &f.reply}, kNow, timeouts);
    }
};

TEST(FlowTimeouts, EachStateKeepsItsFlowUpToItsTimeoutAndNotOneNanosecondMore) {
    auto closing = replied(makeFlow(30000), 0);
    closing.reply.closing = true;
    struct Case {
        TestFlow flow;
        FlowState state;
        std::uint64_t timeoutSeconds;
    };
    const Case cases[] = {
        {makeFlow(30000), FlowState::TcpSynSent, 60},
        {replied(makeFlow(30000), 0), FlowState::TcpEstablished, 21600},
        {closing, FlowState::TcpClosing, 60},
        {makeFlow(30000, {.protocol = L4Protocol::Udp}), FlowState::Unreplied, 30},
        {replied(makeFlow(30000, {.protocol = L4Protocol::Udp}), 0), FlowState::Replied, 120},
    };
    for (const auto& c : cases) {
        const std::uint64_t timeoutNs = c.timeoutSeconds * kSecond;
        FlowVerdict atTimeout = judgeIdle(c.flow, timeoutNs);
        STRCMP_EQUAL(name(c.state), name(atTimeout.state));
        CHECK(atTimeout.idleNs == timeoutNs);
        LONGS_EQUAL(c.timeoutSeconds, atTimeout.timeout.count());
        CHECK_FALSE_TEXT(atTimeout.expired, name(c.state));
        CHECK_TEXT(judgeIdle(c.flow, timeoutNs + 1).expired, name(c.state));
        CHECK_FALSE_TEXT(judgeIdle(c.flow, 0).expired, name(c.state));
    }
}

TEST(FlowTimeouts, TheConfiguredTimeoutsApply) {
    timeouts = ConntrackTimeouts{seconds(5), seconds(50), seconds(7), seconds(3), seconds(11)};
    CHECK(judgeIdle(makeFlow(100), 5 * kSecond + 1).expired);
    CHECK_FALSE(judgeIdle(replied(makeFlow(100), 0), 49 * kSecond).expired);
    CHECK(judgeIdle(replied(makeFlow(100), 0), 51 * kSecond).expired);
    CHECK(judgeIdle(makeFlow(100, {.protocol = L4Protocol::Udp}), 4 * kSecond).expired);
    LONGS_EQUAL(3, timeouts.shortest().count());
}

TEST(FlowTimeouts, TheNewerEntryDecidesTheIdleTime) {
    // A server pushing data to a silent client: the ORIGINAL is idle for
    // hours, the flow is not.
    auto f = replied(makeFlow(30000), 20000);
    f.reply.lastSeenNs = kNow - 2 * kSecond;
    FlowVerdict v = judgeFlow({&f.original, &f.reply}, kNow, timeouts);
    CHECK(v.idleNs == 2 * kSecond);
    CHECK_FALSE(v.expired);
    // And the other way round.
    std::swap(f.original.lastSeenNs, f.reply.lastSeenNs);
    CHECK(judgeFlow({&f.original, &f.reply}, kNow, timeouts).idleNs == 2 * kSecond);
}

TEST(FlowTimeouts, APacketAfterTheClockWasReadIsIdleZero) {
    auto f = makeFlow(1);
    f.original.lastSeenNs = kNow + 5;  // written by the datapath after `now` was read
    FlowVerdict v = judgeFlow({&f.original, &f.reply}, kNow, timeouts);
    CHECK(v.idleNs == 0);
    CHECK_FALSE(v.expired);
}

TEST_GROUP(FlowPairs) {
    FakeTables t;
};

TEST(FlowPairs, TheReplyOfAnOriginalIsTheBackendAnsweringTheClient) {
    auto f = makeFlow(1);
    auto key = partnerKey(f.original, t.backends.entries, t.revNat.entries);
    CHECK(key.has_value());
    CHECK(*key == keyOf(f.reply));
    auto back = partnerKey(f.reply, t.backends.entries, t.revNat.entries);
    CHECK(back.has_value());
    CHECK(*back == keyOf(f.original));
    CHECK(arePartners(f.original, f.reply));
}

TEST(FlowPairs, WithSourceNatTheReplyIsAddressedToTheNatSide) {
    auto f = masqueraded(makeFlow(1), "192.168.50.2", 61000);
    auto key = partnerKey(f.original, t.backends.entries, t.revNat.entries);
    CHECK(key.has_value());
    STRCMP_EQUAL("192.168.50.2", key->destination.toString().c_str());
    LONGS_EQUAL(61000, key->destinationPort);
    CHECK(*key == keyOf(f.reply));
    // The REPLY leads back to the client through its nat fields.
    auto back = partnerKey(f.reply, t.backends.entries, t.revNat.entries);
    CHECK(back.has_value());
    CHECK(*back == keyOf(f.original));
    CHECK(arePartners(f.original, f.reply));
}

TEST(FlowPairs, WithoutTheBackendOrFrontendThereIsNoPartnerToFind) {
    auto f = makeFlow(1);
    t.backends.entries.clear();
    CHECK_FALSE(partnerKey(f.original, t.backends.entries, t.revNat.entries).has_value());
    CHECK(partnerKey(f.reply, t.backends.entries, t.revNat.entries).has_value());
    t.revNat.entries.clear();
    CHECK_FALSE(partnerKey(f.reply, t.backends.entries, t.revNat.entries).has_value());
}

TEST(FlowPairs, EntriesOfAnotherFlowAreNoPartners) {
    const auto f = masqueraded(makeFlow(1), "192.168.50.2", 61000);
    auto other = f;
    other.reply.backendId = 8;
    CHECK_FALSE(arePartners(other.original, other.reply));
    other = f;
    other.reply.revNatId = 4;  // the same client port towards another frontend
    CHECK_FALSE(arePartners(other.original, other.reply));
    other = f;
    other.reply.destinationPort = 61001;
    CHECK_FALSE(arePartners(other.original, other.reply));
    other = f;
    other.reply.natPort = 40001;  // restores another client
    CHECK_FALSE(arePartners(other.original, other.reply));
    other = f;
    other.reply.snat = false;
    CHECK_FALSE(arePartners(other.original, other.reply));
    other = f;
    other.reply.protocol = L4Protocol::Udp;
    CHECK_FALSE(arePartners(other.original, other.reply));
    CHECK_FALSE(arePartners(f.reply, f.original));  // directions swapped
}
