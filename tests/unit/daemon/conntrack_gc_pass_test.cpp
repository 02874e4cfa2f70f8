// One ageing pass over a table in memory: exactly the expired flows go, both
// of their entries, ORIGINAL first; a flow touched since the walk stays.
#include <CppUTest/TestHarness.h>

#include <algorithm>

#include "daemon/conntrack_gc.h"
#include "fake_conntrack.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::test;

TEST_GROUP(ConntrackGcPass) {
    FakeTables t;
    ConntrackTimeouts timeouts;

    Result<GcPassReport> pass(const MonotonicClock& clock = [] { return kNow; }) {
        return runConntrackGcPass({t.conntrack, t.backends, t.revNat}, timeouts, clock);
    }
    GcPassReport passOk() {
        auto report = pass();
        CHECK_TEXT(report.ok(), report.ok() ? "" : report.error().message.c_str());
        return report.ok() ? *report : GcPassReport{};
    }
    std::uint64_t removedIn(const GcPassReport& r, FlowState s) {
        return r.removedByState[static_cast<std::size_t>(s)];
    }
};

TEST(ConntrackGcPass, ExactlyTheExpiredFlowsGoWithBothOfTheirEntries) {
    auto synExpired = makeFlow(61, {.clientPort = 40001});
    auto synLive = makeFlow(59, {.clientPort = 40002});
    auto establishedLive = replied(makeFlow(30000, {.clientPort = 40003}), 21000);
    auto establishedExpired = replied(makeFlow(30000, {.clientPort = 40004}), 21601);
    auto closingExpired = replied(makeFlow(300, {.clientPort = 40005}), 61);
    closingExpired.original.closing = true;
    closingExpired.original.tcpFlags |= 0x01;
    auto udpUnrepliedExpired = makeFlow(31, {.protocol = L4Protocol::Udp, .clientPort = 5001});
    auto udpRepliedLive = replied(makeFlow(300, {.protocol = L4Protocol::Udp, .clientPort = 5002}), 31);
    auto udpRepliedExpired = replied(makeFlow(300, {.protocol = L4Protocol::Udp, .clientPort = 5003}), 121);
    for (const auto* f : {&synExpired, &synLive, &establishedLive, &establishedExpired, &closingExpired,
                          &udpUnrepliedExpired, &udpRepliedLive, &udpRepliedExpired})
        t.add(*f);

    GcPassReport report = passOk();
    LONGS_EQUAL(16, report.seen);
    LONGS_EQUAL(10, report.removed);
    LONGS_EQUAL(6, report.remaining());
    LONGS_EQUAL(2, removedIn(report, FlowState::TcpSynSent));
    LONGS_EQUAL(2, removedIn(report, FlowState::TcpEstablished));
    LONGS_EQUAL(2, removedIn(report, FlowState::TcpClosing));
    LONGS_EQUAL(2, removedIn(report, FlowState::Unreplied));
    LONGS_EQUAL(2, removedIn(report, FlowState::Replied));
    for (const auto* live : {&synLive, &establishedLive, &udpRepliedLive}) {
        CHECK(t.conntrack.has(live->original));
        CHECK(t.conntrack.has(live->reply));
    }
    LONGS_EQUAL(6, t.conntrack.entries.size());
}

TEST(ConntrackGcPass, AnActiveReplyKeepsAnIdleOriginal) {
    // Download from a silent client: the client's last packet was an hour ago.
    auto tcp = replied(makeFlow(7200, {.clientPort = 40001}), 3600);
    tcp.reply.lastSeenNs = kNow - kSecond;
    // UDP answers to a client that sent once, long ago.
    auto udp = replied(makeFlow(600, {.protocol = L4Protocol::Udp, .clientPort = 5001}), 500);
    udp.reply.lastSeenNs = kNow - 10 * kSecond;
    t.add(tcp);
    t.add(udp);
    GcPassReport report = passOk();
    LONGS_EQUAL(0, report.removed);
    LONGS_EQUAL(4, t.conntrack.entries.size());
}

TEST(ConntrackGcPass, TheOriginalGoesBeforeItsReply) {
    t.add(makeFlow(100));
    passOk();
    LONGS_EQUAL(2, t.conntrack.erased.size());
    CHECK(t.conntrack.erased[0].direction == ConntrackDirection::Original);
    CHECK(t.conntrack.erased[1].direction == ConntrackDirection::Reply);
}

TEST(ConntrackGcPass, APacketBetweenTheWalkAndTheDeleteKeepsTheFlow) {
    auto f = makeFlow(100);
    t.add(f);
    int reads = 0;
    auto report = pass([&] {
        // The first reading is the walk's; before the second (the re-check
        // before deleting) the client's retransmitted SYN arrives.
        if (++reads == 2) t.conntrack.entries[keyOf(f.original)].lastSeenNs = kNow;
        return kNow;
    });
    CHECK(report.ok());
    LONGS_EQUAL(2, reads);
    LONGS_EQUAL(0, report->removed);
    CHECK(t.conntrack.has(f.original));
    CHECK(t.conntrack.has(f.reply));
}

TEST(ConntrackGcPass, EntriesSeenWithinTheShortestTimeoutNeedNoLookup) {
    for (std::uint16_t port = 1000; port < 1100; ++port) t.add(replied(makeFlow(3600, {.clientPort = port}), 29));
    GcPassReport report = passOk();
    LONGS_EQUAL(200, report.seen);
    LONGS_EQUAL(0, report.removed);
    LONGS_EQUAL(0, t.conntrack.lookups);
}

TEST(ConntrackGcPass, AReplyKeyTakenByAnotherFlowIsNotThePartner) {
    // One client port towards two frontends that share backend 7: the second
    // flow's REPLY overwrote the first's (same key). The first ORIGINAL is
    // alone, unreplied and idle; the live second flow must survive it.
    t.revNat.entries[4] = {ipOf("10.96.0.20"), 80};
    auto stale = makeFlow(100, {.revNatId = 3});
    auto live = replied(makeFlow(100, {.frontend = "10.96.0.20", .revNatId = 4}), 1);
    CHECK(keyOf(stale.reply) == keyOf(live.reply));
    t.add(stale);
    t.add(live);  // its REPLY replaces the stale one's
    GcPassReport report = passOk();
    LONGS_EQUAL(1, report.removed);
    LONGS_EQUAL(1, removedIn(report, FlowState::TcpSynSent));
    CHECK_FALSE(t.conntrack.has(stale.original));
    CHECK(t.conntrack.has(live.original));
    CHECK(t.conntrack.has(live.reply));
}

TEST(ConntrackGcPass, EntriesWhoseFlowCannotBeFoundAreJudgedAlone) {
    // Backend 9 and rev-NAT 5 are gone from the tables: the datapath can no
    // longer translate these flows, and ageing cannot pair their entries.
    auto goneExpired = replied(makeFlow(100, {.clientPort = 40001, .backendId = 9, .revNatId = 5}), 61);
    auto goneLive = replied(makeFlow(100, {.clientPort = 40002, .backendId = 9, .revNatId = 5}), 10);
    t.add(goneExpired);
    t.add(goneLive);
    GcPassReport report = passOk();
    // Alone, the ORIGINAL cannot show a reply: syn-sent, 60 s. The REPLY saw
    // the backend's SYN-ACK: established, 6 h.
    LONGS_EQUAL(1, report.removed);
    LONGS_EQUAL(1, removedIn(report, FlowState::TcpSynSent));
    CHECK_FALSE(t.conntrack.has(goneExpired.original));
    CHECK(t.conntrack.has(goneExpired.reply));  // 61 s is far from the established timeout
    CHECK(t.conntrack.has(goneLive.original));
    CHECK(t.conntrack.has(goneLive.reply));
}

TEST(ConntrackGcPass, AnOrphanedOriginalAgesOnItsOwn) {
    auto f = replied(makeFlow(100), 61);
    t.conntrack.add(f.original);  // its REPLY was forgotten or evicted
    GcPassReport report = passOk();
    LONGS_EQUAL(1, report.removed);
    CHECK(t.conntrack.entries.empty());
}

TEST(ConntrackGcPass, MasqueradedFlowsPairThroughTheirNatFields) {
    auto live = masqueraded(replied(makeFlow(600, {.clientPort = 40001}), 300), "192.168.50.2", 61001);
    live.reply.lastSeenNs = kNow - kSecond;
    auto expired = masqueraded(makeFlow(100, {.clientPort = 40002}), "192.168.50.2", 61002);
    t.add(live);
    t.add(expired);
    GcPassReport report = passOk();
    LONGS_EQUAL(2, report.removed);
    CHECK(t.conntrack.has(live.original));
    CHECK(t.conntrack.has(live.reply));
    CHECK_FALSE(t.conntrack.has(expired.original));
    CHECK_FALSE(t.conntrack.has(expired.reply));  // frees its source port
}

TEST(ConntrackGcPass, AnEmptyTableIsAPassToo) {
    GcPassReport report = passOk();
    LONGS_EQUAL(0, report.seen);
    LONGS_EQUAL(0, report.removed);
}

// The backend and reverse-NAT listings (100,000 bpf() calls at scale) are
// read only for a flow that needs its partner found.
TEST(ConntrackGcPass, AnEmptyOrYoungTableNeverListsTheBackends) {
    t.backends.failList = "Failed to walk np_backends_v1";
    passOk();
    for (std::uint16_t port = 1000; port < 1010; ++port) t.add(replied(makeFlow(3600, {.clientPort = port}), 29));
    GcPassReport report = passOk();
    LONGS_EQUAL(20, report.seen);
}

TEST(ConntrackGcPass, FailuresStopThePassAndSayWhy) {
    t.add(makeFlow(100));
    t.conntrack.failLookups = "Failed to read from np_conntrack_v2";
    auto report = pass();
    CHECK_FALSE(report.ok());
    STRCMP_EQUAL("Failed to read from np_conntrack_v2: Operation not permitted", report.error().message.c_str());
    LONGS_EQUAL(2, t.conntrack.entries.size());

    t.conntrack.failLookups.reset();
    t.backends.failList = "Failed to walk np_backends_v1";
    report = pass();
    CHECK_FALSE(report.ok());
    STRCMP_EQUAL("Failed to walk np_backends_v1", report.error().message.c_str());
    LONGS_EQUAL(2, t.conntrack.entries.size());
}
