// Datapath events against the shipped object: packets run through the real
// programs (BPF_PROG_TEST_RUN), maps filled through the daemon's typed
// tables, and the records read back through the daemon's EventReader. A
// denial is one policy record and no drop record; an allowed flow is
// reported on its first packet only; drops carry their reason; a new service
// flow names its frontend and backend; mask 0 writes nothing; a full ring
// counts what it lost and never changes a verdict.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "datapath/events.h"
#include "event_test_support.h"
#include "nodeplane/abi/drop_reasons.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/events.h"
#include "nodeplane/abi/maps.h"
#include "service_test_support.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;
using observe::FlowEvent;
using observe::FlowEventKind;
using policy::Direction;
using policy::PolicyEntryKey;
using policy::PortPrefix;

namespace {

constexpr std::uint32_t kIdentityA = 300;
constexpr std::uint32_t kIdentityB = 301;
constexpr std::uint32_t kIdentityRemote = 400;  // kPodElsewhere
constexpr std::uint32_t kEndpointA = 1;
constexpr std::uint32_t kEndpointB = 2;
constexpr std::uint32_t kPolicyId = 17;

Bytes tcpTo(const char* src, const char* dst, std::uint16_t dport, std::uint8_t flags = tcp_flags::kSyn,
            std::uint16_t sport = 40000) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(src, dst).tcp(sport, dport, flags).payload("x").build();
}

const FlowEvent& onlyOf(const std::vector<FlowEvent>& events, FlowEventKind kind) {
    LONGS_EQUAL(1, countOf(events, kind));
    return *std::find_if(events.begin(), events.end(), [&](const FlowEvent& e) { return e.kind == kind; });
}

// Written within the last minute by the wall clock: the boot-time stamp
// was converted.
void checkRecent(const FlowEvent& event) {
    const auto age = std::chrono::system_clock::now() - event.time;
    CHECK_TEXT(age >= -std::chrono::seconds(1) && age < std::chrono::minutes(1), "event time not converted to now");
}

}  // namespace

TEST_GROUP(PolicyEvents) {
    std::unique_ptr<DatapathFixture> node;
    std::unique_ptr<datapath::EventReader> reader;
    int hostA = 0;
    int hostB = 0;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            hostA = node->addInterface("np-pod-a");
            hostB = node->addInterface("np-pod-b");
        });
        endpoint(kPodA, hostA, kEndpointA, kIdentityA, 0);
        endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
        auto& ipcache = node->datapath().ipcache();
        CHECK_TRUE(ipcache.upsert(IpPrefix{ipOf(kPodA), 32}, {kIdentityA, 0}).ok());
        CHECK_TRUE(ipcache.upsert(IpPrefix{ipOf(kPodElsewhere), 32}, {kIdentityRemote, 0}).ok());
        CHECK_TRUE(node->datapath().setPolicyRevision(1).ok());
        CHECK_TRUE(node->datapath()
                       .policy()
                       .upsert(datapath::PolicyMapKey{kEndpointB, PolicyEntryKey{kIdentityRemote, Direction::Ingress,
                                                                                 IPPROTO_TCP, PortPrefix{80, 16}}},
                               kPolicyId)
                       .ok());
        reader = std::make_unique<datapath::EventReader>(openReader(node->datapath()));
        CHECK_TRUE(node->datapath().setEventMask(NP_EVENTS_F_ALL).ok());
    }
    void teardown() override {
        reader.reset();
        node.reset();
    }

    void endpoint(const char* ip, int ifindex, std::uint32_t id, std::uint32_t identity, std::uint32_t flags) {
        CHECK_TRUE(node->datapath()
                       .localEndpoints()
                       .upsert(ipOf(ip), {static_cast<std::uint32_t>(ifindex), id, identity, flags})
                       .ok());
    }
    TestRunResult intoB(const Bytes& frame) { return runOn(*node, Program::ToPod, hostB, frame); }
    TestRunResult fromA(const Bytes& frame) { return runOn(*node, Program::FromPod, hostA, frame); }
};

TEST(PolicyEvents, ADeniedPacketIsOnePolicyRecordAndNoDrop) {
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodElsewhere, kPodB, 81)));
    LONGS_EQUAL(1, dropCounter(node->datapath().stats(), "policy_denied").packets);

    auto events = drain(*reader);
    LONGS_EQUAL(1, events.size());
    const FlowEvent& e = events.front();
    CHECK_TRUE(e.kind == FlowEventKind::PolicyVerdict);
    CHECK_FALSE(e.allowed);
    CHECK_TRUE(e.direction == observe::PolicyDirection::Ingress);
    LONGS_EQUAL(NP_DROP_POLICY_DENIED, e.dropReason);
    LONGS_EQUAL(0, e.policyId);
    LONGS_EQUAL(kIdentityRemote, e.remoteIdentity);
    LONGS_EQUAL(kEndpointB, e.endpointId);
    LONGS_EQUAL(IPPROTO_TCP, e.protocol);
    STRCMP_EQUAL(kPodElsewhere, e.src.toString().c_str());
    STRCMP_EQUAL(kPodB, e.dst.toString().c_str());
    LONGS_EQUAL(40000, e.srcPort);
    LONGS_EQUAL(81, e.dstPort);
    LONGS_EQUAL(hostB, e.ifindex);
    CHECK(e.length > 0);
    checkRecent(e);
}

TEST(PolicyEvents, AnAllowedFlowIsReportedOnItsFirstPacketOnly) {
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    auto first = drain(*reader);
    LONGS_EQUAL(2, first.size());
    const FlowEvent& verdict = onlyOf(first, FlowEventKind::PolicyVerdict);
    CHECK_TRUE(verdict.allowed);
    LONGS_EQUAL(0, verdict.dropReason);
    LONGS_EQUAL(kPolicyId, verdict.policyId);
    LONGS_EQUAL(kIdentityRemote, verdict.remoteIdentity);
    LONGS_EQUAL(kEndpointB, verdict.endpointId);
    LONGS_EQUAL(80, verdict.dstPort);
    const FlowEvent& open = onlyOf(first, FlowEventKind::FlowOpen);
    STRCMP_EQUAL(kPodElsewhere, open.src.toString().c_str());
    LONGS_EQUAL(40000, open.srcPort);
    LONGS_EQUAL(kEndpointB, open.endpointId);

    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    LONGS_EQUAL(0, drain(*reader).size());

    // The FIN marks the flow closing: one close, and no second one for the
    // retransmitted FIN.
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kFin | tcp_flags::kAck)));
    auto closing = drain(*reader);
    LONGS_EQUAL(1, closing.size());
    const FlowEvent& close = onlyOf(closing, FlowEventKind::FlowClose);
    STRCMP_EQUAL(kPodB, close.dst.toString().c_str());
    LONGS_EQUAL(80, close.dstPort);
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kFin | tcp_flags::kAck)));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(PolicyEvents, DropsCarryTheirReasonAndTuple) {
    // Cut short: the IPv4 total length claims more than the frame holds.
    auto cut = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB).tcp(40000, 80).ipv4TotalLength(1400).build();
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(cut));
    auto malformed = drain(*reader);
    LONGS_EQUAL(1, malformed.size());
    CHECK_TRUE(malformed.front().kind == FlowEventKind::Drop);
    CHECK_FALSE(malformed.front().allowed);
    LONGS_EQUAL(NP_DROP_MALFORMED, malformed.front().dropReason);
    LONGS_EQUAL(hostA, malformed.front().ifindex);

    // Pod A sending as pod B: a drop after parsing, with the tuple read from
    // the packet.
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(tcpTo(kPodB, kPodElsewhere, 443, tcp_flags::kSyn, 41000)));
    auto spoofed = drain(*reader);
    LONGS_EQUAL(1, spoofed.size());
    const FlowEvent& e = spoofed.front();
    CHECK_TRUE(e.kind == FlowEventKind::Drop);
    LONGS_EQUAL(NP_DROP_SPOOFED_SOURCE, e.dropReason);
    LONGS_EQUAL(IPPROTO_TCP, e.protocol);
    STRCMP_EQUAL(kPodB, e.src.toString().c_str());
    STRCMP_EQUAL(kPodElsewhere, e.dst.toString().c_str());
    LONGS_EQUAL(41000, e.srcPort);
    LONGS_EQUAL(443, e.dstPort);
    checkRecent(e);
}

TEST(PolicyEvents, MaskZeroWritesNothingAndEachBitSelectsItsRecords) {
    CHECK_TRUE(node->datapath().setEventMask(0).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodElsewhere, kPodB, 81)));
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(tcpTo(kPodB, kPodElsewhere, 443)));
    LONGS_EQUAL(0, drain(*reader).size());
    // The counters ran all the same.
    LONGS_EQUAL(1, dropCounter(node->datapath().stats(), "policy_denied").packets);
    LONGS_EQUAL(1, dropCounter(node->datapath().stats(), "spoofed_source").packets);

    CHECK_TRUE(node->datapath().setEventMask(NP_EVENTS_F_DROP).ok());
    LONGS_EQUAL(NP_EVENTS_F_DROP, *node->datapath().eventMask());
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodElsewhere, kPodB, 82)));  // a denial: a policy record
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(tcpTo(kPodB, kPodElsewhere, 443)));
    auto drops = drain(*reader);
    LONGS_EQUAL(1, drops.size());
    CHECK_TRUE(drops.front().kind == FlowEventKind::Drop);
    LONGS_EQUAL(NP_DROP_SPOOFED_SOURCE, drops.front().dropReason);
}

TEST_GROUP(ServiceEvents) {
    ServiceNode n;
    std::unique_ptr<datapath::EventReader> reader;
    void setup() override {
        n.build();
        reader = std::make_unique<datapath::EventReader>(openReader(n.dp()));
        CHECK_TRUE(n.dp().setEventMask(NP_EVENTS_F_ALL).ok());
    }
    void teardown() override {
        reader.reset();
        n.node.reset();
    }
};

TEST(ServiceEvents, ANewServiceFlowNamesItsFrontendAndBackendOnce) {
    n.publishClusterIp({{7, backendAt(kPodB)}});
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp()));
    auto first = drain(*reader);
    LONGS_EQUAL(2, first.size());
    const FlowEvent& t = onlyOf(first, FlowEventKind::ServiceTranslation);
    STRCMP_EQUAL(kPodA, t.src.toString().c_str());
    LONGS_EQUAL(kClientPort, t.srcPort);
    STRCMP_EQUAL(kVip, t.frontend.toString().c_str());
    LONGS_EQUAL(kVipPort, t.frontendPort);
    STRCMP_EQUAL(kPodB, t.dst.toString().c_str());
    LONGS_EQUAL(kBackendPort, t.dstPort);
    LONGS_EQUAL(1, t.revNatId);
    LONGS_EQUAL(n.hostA, t.ifindex);
    checkRecent(t);
    LONGS_EQUAL(1, onlyOf(first, FlowEventKind::FlowOpen).revNatId);

    // The same flow's next packet: translated, not reported.
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kAck)));
    LONGS_EQUAL(0, drain(*reader).size());
    // Its client's RST: one close.
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort, tcp_flags::kRst)));
    auto closing = drain(*reader);
    LONGS_EQUAL(1, closing.size());
    LONGS_EQUAL(1, onlyOf(closing, FlowEventKind::FlowClose).revNatId);
}

TEST(ServiceEvents, MaskZeroWritesNoServiceRecords) {
    CHECK_TRUE(n.dp().setEventMask(0).ok());
    n.publishClusterIp({{7, backendAt(kPodB)}});
    CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp()));
    LONGS_EQUAL(0, drain(*reader).size());
    LONGS_EQUAL(1, n.stat("ct_created"));
}

TEST_GROUP(FullRing) {
    std::unique_ptr<DatapathFixture> node;
    int host = 0;
    void setup() override {
        datapath::Options options;
        options.eventsRingBytes = static_cast<std::uint32_t>(::sysconf(_SC_PAGESIZE));  // room for a few dozen
        orFail([&] {
            node = std::make_unique<DatapathFixture>(options);
            host = node->addInterface("np-pod-a");
        });
        CHECK_TRUE(node->datapath()
                       .localEndpoints()
                       .upsert(ipOf(kPodA), {static_cast<std::uint32_t>(host), 1, 0, 0})
                       .ok());
    }
    void teardown() override { node.reset(); }
};

TEST(FullRing, CountsWhatItCannotWriteAndDropsExactlyAsBefore) {
    auto reader = openReader(node->datapath());
    CHECK_TRUE(node->datapath().setEventMask(NP_EVENTS_F_ALL).ok());
    constexpr std::uint32_t kPackets = 500;
    const auto spoofed = tcpTo(kPodB, kPodElsewhere, 443);
    const auto index = static_cast<std::uint32_t>(host);
    auto run = testRun(node->datapath().programFd(Program::FromPod), spoofed, SkbContext{index, index, 0}, kPackets);
    CHECK_TEXT(run.ok(), run.ok() ? "" : run.error().message.c_str());
    CHECK_TC_ACTION(TC_ACT_SHOT, *run);
    LONGS_EQUAL(kPackets, dropCounter(node->datapath().stats(), "spoofed_source").packets);
    // The listing shows the unread bytes: all but less than one record of
    // the page (a record is its 8-byte header plus struct np_event).
    const auto ringFill = [&] {
        auto maps = node->datapath().maps();
        CHECK_TRUE(maps.ok());
        const auto ring = std::find_if(maps->begin(), maps->end(), [](const auto& m) { return m.name == NP_MAP_EVENTS; });
        CHECK_TRUE(ring != maps->end());
        return ring->entries;
    };
    const auto page = static_cast<std::uint32_t>(::sysconf(_SC_PAGESIZE));
    const std::uint32_t full = ringFill();
    CHECK_TEXT(full > page - kRingRecordBytes && full <= page,
               ("ring fill " + std::to_string(full)).c_str());
    LONGS_EQUAL(0, full % kRingRecordBytes);

    const auto events = drain(reader);
    LONGS_EQUAL(0, ringFill());
    auto lost = node->datapath().eventsLost();
    CHECK_TRUE(lost.ok());
    CHECK_TEXT(*lost > 0, "a one-page ring took 500 records");
    CHECK(events.size() > 0);
    LONGS_EQUAL(kPackets, events.size() + *lost);
    for (const auto& e : events) LONGS_EQUAL(NP_DROP_SPOOFED_SOURCE, e.dropReason);

    // Drained, the ring takes records again.
    CHECK_TC_ACTION(TC_ACT_SHOT, runOn(*node, Program::FromPod, host, spoofed));
    LONGS_EQUAL(1, drain(reader).size());
    LONGS_EQUAL(*lost, *node->datapath().eventsLost());
}

TEST_GROUP(EventOptions) {};

TEST(EventOptions, RingSizeMustBeAPowerOfTwoOfPages) {
    CHECK_TRUE(datapath::checkEventsRingBytes(4u << 20).ok());
    CHECK_TRUE(datapath::checkEventsRingBytes(static_cast<std::uint32_t>(::sysconf(_SC_PAGESIZE))).ok());
    CHECK_FALSE(datapath::checkEventsRingBytes(0).ok());
    CHECK_FALSE(datapath::checkEventsRingBytes(3u << 20).ok());
    CHECK_FALSE(datapath::checkEventsRingBytes(1024).ok());
    datapath::Options options;
    options.eventsRingBytes = 5000;
    auto opened = datapath::Datapath::open(options);
    CHECK_FALSE(opened.ok());
    CHECK_TRUE(opened.error().message.find("ring-buffer-bytes") != std::string::npos);
    // A wakeup mark the ring could never reach would leave the reader asleep.
    options.eventsRingBytes = 4u << 20;
    options.eventsWakeupBytes = (2u << 20) + 1;
    opened = datapath::Datapath::open(options);
    CHECK_FALSE(opened.ok());
    CHECK_TRUE(opened.error().message.find("wakeup") != std::string::npos);
}

TEST_GROUP(BatchedWakeups) {
    std::unique_ptr<DatapathFixture> node;
    int host = 0;
    void setup() override {
        datapath::Options options;
        options.eventsWakeupBytes = 64 * 1024;
        orFail([&] {
            node = std::make_unique<DatapathFixture>(options);
            host = node->addInterface("np-pod-a");
        });
        CHECK_TRUE(node->datapath()
                       .localEndpoints()
                       .upsert(ipOf(kPodA), {static_cast<std::uint32_t>(host), 1, 0, 0})
                       .ok());
    }
    void teardown() override { node.reset(); }
};

TEST(BatchedWakeups, RecordsBelowTheMarkAreStillThereForTheNextRead) {
    auto reader = openReader(node->datapath());
    CHECK_TRUE(node->datapath().setEventMask(NP_EVENTS_F_DROP).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, runOn(*node, Program::FromPod, host, tcpTo(kPodB, kPodElsewhere, 443)));
    auto events = drain(reader);
    LONGS_EQUAL(1, events.size());
    LONGS_EQUAL(NP_DROP_SPOOFED_SOURCE, events.front().dropReason);
    LONGS_EQUAL(0, *node->datapath().eventsLost());
}
