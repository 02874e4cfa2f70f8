// What an ageing pass tells its caller: each flow it removed, once, by its
// ORIGINAL entry (its REPLY and frontend when the ORIGINAL is gone), never a
// flow the datapath reported closed at its FIN or RST, a flow a packet
// revived, or the policy entry of a service flow. And how such a flow reads
// as a flow-close event: named as its client sent it, cause idle-timeout.
#include <CppUTest/TestHarness.h>
#include <netinet/in.h>

#include <vector>

#include "daemon/aged_flow_event.h"
#include "daemon/conntrack_gc.h"
#include "daemon/conntrack_gc_timer.h"
#include "common/event.h"
#include "fake_conntrack.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::test;

namespace {

// A flow NetworkPolicy tracks: one ORIGINAL entry, no backend or frontend.
ConntrackEntry policyFlow(std::uint64_t idleSeconds, std::uint16_t clientPort, bool serviceFlow) {
    ConntrackEntry e;
    e.direction = ConntrackDirection::Original;
    e.protocol = L4Protocol::Udp;
    e.source = ipOf("10.200.1.10");
    e.sourcePort = clientPort;
    e.destination = ipOf("10.200.1.11");
    e.destinationPort = 53;
    e.createdNs = e.lastSeenNs = kNow - idleSeconds * kSecond;
    e.policy = true;
    e.replied = true;
    e.serviceFlow = serviceFlow;
    return e;
}

}  // namespace

TEST_GROUP(ConntrackGcAged) {
    FakeTables t;
    ConntrackTimeouts timeouts;
    std::vector<AgedFlow> aged;

    GcPassReport pass(const MonotonicClock& clock = [] { return kNow; }) {
        auto report = runConntrackGcPass({t.conntrack, t.backends, t.revNat}, timeouts, clock,
                                         [&](const AgedFlow& flow) { aged.push_back(flow); });
        CHECK_TEXT(report.ok(), report.ok() ? "" : report.error().message.c_str());
        return report.ok() ? *report : GcPassReport{};
    }
    const AgedFlow* agedWithClientPort(std::uint16_t port) {
        for (const auto& a : aged)
            if (a.entry.sourcePort == port) return &a;
        return nullptr;
    }
};

TEST(ConntrackGcAged, EachRemovedFlowIsToldOnceByItsOriginal) {
    auto synExpired = makeFlow(61, {.clientPort = 40001});
    auto establishedExpired = replied(makeFlow(30000, {.clientPort = 40002}), 21601);
    auto udpUnreplied = makeFlow(31, {.protocol = L4Protocol::Udp, .clientPort = 5001});
    auto udpReplied = replied(makeFlow(300, {.protocol = L4Protocol::Udp, .clientPort = 5002}), 121);
    auto udpLive = replied(makeFlow(300, {.protocol = L4Protocol::Udp, .clientPort = 5003}), 31);
    for (const auto* f : {&synExpired, &establishedExpired, &udpUnreplied, &udpReplied, &udpLive}) t.add(*f);

    GcPassReport report = pass();
    LONGS_EQUAL(8, report.removed);
    LONGS_EQUAL(4, aged.size());
    const struct {
        const TestFlow& flow;
        FlowState state;
    } expected[] = {{synExpired, FlowState::TcpSynSent},
                    {establishedExpired, FlowState::TcpEstablished},
                    {udpUnreplied, FlowState::Unreplied},
                    {udpReplied, FlowState::Replied}};
    for (const auto& e : expected) {
        const AgedFlow* a = agedWithClientPort(e.flow.original.sourcePort);
        CHECK_TEXT(a != nullptr, "a removed flow was not told");
        if (!a) continue;
        CHECK_TRUE(a->entry == e.flow.original);
        CHECK_TRUE(a->state == e.state);
        CHECK_FALSE(a->frontend.has_value());
    }
    CHECK_TRUE(agedWithClientPort(5003) == nullptr);

    // A second pass finds nothing more to tell.
    aged.clear();
    pass();
    LONGS_EQUAL(0, aged.size());
}

TEST(ConntrackGcAged, AClosingFlowWasReportedByTheDatapath) {
    auto closing = replied(makeFlow(300, {.clientPort = 40001}), 61);
    closing.reply.closing = true;  // the backend's RST
    closing.reply.tcpFlags |= 0x04;
    t.add(closing);
    GcPassReport report = pass();
    LONGS_EQUAL(2, report.removed);
    LONGS_EQUAL(0, aged.size());
}

TEST(ConntrackGcAged, AFlowRevivedBeforeItsRemovalIsNotTold) {
    auto f = makeFlow(100, {.protocol = L4Protocol::Udp});
    t.add(f);
    int reads = 0;
    GcPassReport report = pass([&] {
        // Between the walk and the re-check, the client sends again.
        if (++reads == 2) t.conntrack.entries[keyOf(f.original)].lastSeenNs = kNow;
        return kNow;
    });
    LONGS_EQUAL(0, report.removed);
    LONGS_EQUAL(0, aged.size());
}

TEST(ConntrackGcAged, AFlowWithOnlyItsReplyLeftIsToldWithItsFrontend) {
    auto f = replied(makeFlow(300, {.protocol = L4Protocol::Udp}), 121);
    t.conntrack.add(f.reply);  // its ORIGINAL was deleted (the backend went)
    pass();
    LONGS_EQUAL(1, aged.size());
    CHECK_TRUE(aged.front().entry == f.reply);
    CHECK_TRUE(aged.front().frontend.has_value());
    STRCMP_EQUAL("10.96.0.10", aged.front().frontend->address.toString().c_str());
    LONGS_EQUAL(80, aged.front().frontend->port);
}

TEST(ConntrackGcAged, APolicyFlowIsToldButTheServiceFlowsPolicyEntryIsNot) {
    t.conntrack.add(policyFlow(121, 5001, false));
    t.conntrack.add(policyFlow(121, 5002, true));
    GcPassReport report = pass();
    LONGS_EQUAL(2, report.removed);
    LONGS_EQUAL(1, aged.size());
    LONGS_EQUAL(5001, aged.front().entry.sourcePort);
    CHECK_TRUE(aged.front().state == FlowState::Replied);
}

TEST(ConntrackGcAged, APassWithoutAnObserverRemovesAlike) {
    t.add(makeFlow(61));
    auto report = runConntrackGcPass({t.conntrack, t.backends, t.revNat}, timeouts, [] { return kNow; });
    CHECK_TRUE(report.ok());
    LONGS_EQUAL(2, report->removed);
}

TEST(ConntrackGcAged, TheTimersPassesTellItsObserver) {
    sd_event* e = nullptr;
    CHECK_TRUE(sd_event_new(&e) >= 0);
    EventLoopPtr loop(e);
    // Unanswered UDP from two minutes ago on the real clock: past 30 s.
    auto f = makeFlow(0, {.protocol = L4Protocol::Udp});
    for (auto* entry : {&f.original, &f.reply}) entry->createdNs = entry->lastSeenNs = monotonicNowNs() - 120 * kSecond;
    t.add(f);
    auto timer = ConntrackGcTimer::start(loop.get(), {t.conntrack, t.backends, t.revNat}, {});
    CHECK_TRUE(timer.ok());
    (*timer)->setAgedFlowObserver([&](const AgedFlow& flow) { aged.push_back(flow); });
    (*timer)->runPass();
    LONGS_EQUAL(1, aged.size());
    CHECK_TRUE(aged.front().entry.sourcePort == f.original.sourcePort);
}

TEST_GROUP(AgedFlowEvent) {
    const std::chrono::system_clock::time_point now{std::chrono::seconds(1'800'000'000)};
};

TEST(AgedFlowEvent, AnOriginalIsTheFlowAsItsClientSentIt) {
    auto f = makeFlow(100, {.protocol = L4Protocol::Udp});
    observe::FlowEvent e = agedFlowEvent(f.original, std::nullopt, now);
    CHECK_TRUE(e.kind == observe::FlowEventKind::FlowClose);
    CHECK_TRUE(e.closeCause == observe::CloseCause::IdleTimeout);
    CHECK_TRUE(e.time == now);
    LONGS_EQUAL(IPPROTO_UDP, e.protocol);
    STRCMP_EQUAL("10.200.1.10", e.src.toString().c_str());
    LONGS_EQUAL(40000, e.srcPort);
    STRCMP_EQUAL("10.96.0.10", e.dst.toString().c_str());
    LONGS_EQUAL(80, e.dstPort);
    LONGS_EQUAL(3, e.revNatId);
    CHECK_TRUE(e.allowed);
}

TEST(AgedFlowEvent, AReplyIsTurnedBackToClientAndFrontend) {
    auto f = makeFlow(100);
    RevNatTarget frontend{ipOf("10.96.0.10"), 80};
    observe::FlowEvent e = agedFlowEvent(f.reply, frontend, now);
    LONGS_EQUAL(IPPROTO_TCP, e.protocol);
    STRCMP_EQUAL("10.200.1.10", e.src.toString().c_str());
    LONGS_EQUAL(40000, e.srcPort);
    STRCMP_EQUAL("10.96.0.10", e.dst.toString().c_str());
    LONGS_EQUAL(80, e.dstPort);

    // Masqueraded: the client is in the REPLY's nat fields. Frontend gone:
    // the backend is what is left to name.
    auto m = masqueraded(makeFlow(100), "192.168.50.2", 61001);
    e = agedFlowEvent(m.reply, std::nullopt, now);
    STRCMP_EQUAL("10.200.1.10", e.src.toString().c_str());
    LONGS_EQUAL(40000, e.srcPort);
    STRCMP_EQUAL("10.200.1.11", e.dst.toString().c_str());
    LONGS_EQUAL(8080, e.dstPort);
}
