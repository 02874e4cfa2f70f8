// A flow's close is reported exactly once, by whichever side closes first,
// and named as its client sent it: real segments through the shipped
// programs (BPF_PROG_TEST_RUN), records read back through the daemon's
// EventReader. Service flows (two conntrack entries: the client's FIN or RST
// goes through the translation, the backend's through the reverse one) and
// pod-to-pod flows NetworkPolicy tracks (one entry for both sides), and a
// service flow to a policy-isolated backend, which both conntracks see.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "datapath/events.h"
#include "event_test_support.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/events.h"
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

constexpr std::uint8_t kFinAck = tcp_flags::kFin | tcp_flags::kAck;
constexpr std::uint8_t kRstAck = tcp_flags::kRst | tcp_flags::kAck;
constexpr std::uint32_t kIdentityA = 300;
constexpr std::uint32_t kIdentityB = 301;
constexpr std::uint32_t kEndpointA = 1;
constexpr std::uint32_t kEndpointB = 2;
constexpr std::uint32_t kPolicyId = 21;
constexpr std::uint16_t kPodPort = 80;

// The one close among `events`, whose tuple must be src:sport -> dst:dport.
void checkOneClose(const std::vector<FlowEvent>& events, const char* src, std::uint16_t sport, const char* dst,
                   std::uint16_t dport) {
    LONGS_EQUAL(1, countOf(events, FlowEventKind::FlowClose));
    const FlowEvent& close = *std::find_if(events.begin(), events.end(),
                                           [](const FlowEvent& e) { return e.kind == FlowEventKind::FlowClose; });
    STRCMP_EQUAL(src, close.src.toString().c_str());
    LONGS_EQUAL(sport, close.srcPort);
    STRCMP_EQUAL(dst, close.dst.toString().c_str());
    LONGS_EQUAL(dport, close.dstPort);
    LONGS_EQUAL(IPPROTO_TCP, close.protocol);
    CHECK_TRUE(close.closeCause == observe::CloseCause::Finished);
}

// A segment between two pods, as either pod sends it.
Bytes segment(const char* src, std::uint16_t sport, const char* dst, std::uint16_t dport, std::uint8_t flags) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(src, dst).tcp(sport, dport, flags).payload("x").build();
}

}  // namespace

// Pod A's connection to the ClusterIP, served by pod B on this node. The
// client's segments go through from_pod on A's host end (translation), the
// backend's through from_pod on B's (reverse translation).
TEST_GROUP(ServiceFlowClose) {
    ServiceNode n;
    std::unique_ptr<datapath::EventReader> reader;

    void setup() override {
        n.build();
        reader = std::make_unique<datapath::EventReader>(openReader(n.dp()));
        CHECK_TRUE(n.dp().setEventMask(NP_EVENTS_F_ALL).ok());
        n.publishClusterIp({{7, backendAt(kPodB)}});
        // Opened and answered: one open (and its translation), nothing else.
        CHECK_TC_ACTION(TC_ACT_REDIRECT, client(tcp_flags::kSyn));
        CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(tcp_flags::kSyn | tcp_flags::kAck));
        CHECK_TC_ACTION(TC_ACT_REDIRECT, client(tcp_flags::kAck));
        auto opened = drain(*reader);
        LONGS_EQUAL(1, countOf(opened, FlowEventKind::FlowOpen));
        LONGS_EQUAL(0, countOf(opened, FlowEventKind::FlowClose));
    }
    void teardown() override {
        reader.reset();
        n.node.reset();
    }

    TestRunResult client(std::uint8_t flags) { return n.fromPod(n.hostA, clientTcp(kClientPort, flags)); }
    TestRunResult backend(std::uint8_t flags) {
        return n.fromPod(n.hostB, backendTcpReply(kPodB, kBackendPort, kClientPort, flags));
    }
    void checkClose(const std::vector<FlowEvent>& events) {
        checkOneClose(events, kPodA, kClientPort, kVip, kVipPort);
        LONGS_EQUAL(1, events.front().revNatId);
    }
};

TEST(ServiceFlowClose, BackendResetFirstIsOneCloseNamedAsTheClientSentIt) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(kRstAck));
    checkClose(drain(*reader));
    // The client's answer to the reset, and a repeated reset: nothing more.
    CHECK_TC_ACTION(TC_ACT_REDIRECT, client(tcp_flags::kRst));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(kRstAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(ServiceFlowClose, ClientFinThenBackendFinIsOneClose) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, client(kFinAck));
    checkClose(drain(*reader));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(kFinAck));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, client(tcp_flags::kAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(ServiceFlowClose, BackendFinThenClientFinIsOneClose) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(kFinAck));
    checkClose(drain(*reader));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, client(kFinAck));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(tcp_flags::kAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(ServiceFlowClose, AFlowClosedWhileFlowRecordsWereOffIsNotReportedLater) {
    // With flow records off a FIN still marks the entry closing (the
    // daemon ages it as such) and writes nothing; turned on again, the
    // other side's FIN finds the flow closed.
    CHECK_TRUE(n.dp().setEventMask(NP_EVENTS_F_ALL & ~NP_EVENTS_F_FLOW).ok());
    CHECK_TC_ACTION(TC_ACT_REDIRECT, backend(kFinAck));
    LONGS_EQUAL(0, drain(*reader).size());
    CHECK_TRUE(n.dp().setEventMask(NP_EVENTS_F_ALL).ok());
    CHECK_TC_ACTION(TC_ACT_REDIRECT, client(kFinAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

// Pod A connects to pod B directly; B is isolated for ingress, so the flow
// has one policy conntrack entry for both sides: A's segments pass B's
// to_pod (ingress policy), B's pass its from_pod (tracked as replies).
TEST_GROUP(PodFlowClose) {
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
        auto& dp = node->datapath();
        CHECK_TRUE(dp.ipcache().upsert(IpPrefix{ipOf(kPodA), 32}, {kIdentityA, 0}).ok());
        CHECK_TRUE(dp.ipcache().upsert(IpPrefix{ipOf(kPodB), 32}, {kIdentityB, 0}).ok());
        CHECK_TRUE(dp.setPolicyRevision(1).ok());
        CHECK_TRUE(dp.policy()
                       .upsert(datapath::PolicyMapKey{kEndpointB,
                                                      PolicyEntryKey{kIdentityA, Direction::Ingress, IPPROTO_TCP,
                                                                     PortPrefix{kPodPort, 16}}},
                               kPolicyId)
                       .ok());
        reader = std::make_unique<datapath::EventReader>(openReader(dp));
        CHECK_TRUE(dp.setEventMask(NP_EVENTS_F_ALL).ok());

        CHECK_TC_ACTION(TC_ACT_OK, fromClient(tcp_flags::kSyn));
        CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(tcp_flags::kSyn | tcp_flags::kAck));  // straight to A
        CHECK_TC_ACTION(TC_ACT_OK, fromClient(tcp_flags::kAck));
        auto opened = drain(*reader);
        LONGS_EQUAL(1, countOf(opened, FlowEventKind::FlowOpen));
        LONGS_EQUAL(1, countOf(opened, FlowEventKind::PolicyVerdict));
        LONGS_EQUAL(0, countOf(opened, FlowEventKind::FlowClose));
        auto entries = dp.conntrack().list();
        CHECK_TRUE(entries.ok());
        LONGS_EQUAL(1, entries->size());
        CHECK_TRUE(entries->front().policy);
        CHECK_FALSE(entries->front().serviceFlow);
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
    // A's segment on its way into B (B's ingress policy).
    TestRunResult fromClient(std::uint8_t flags) {
        return runOn(*node, Program::ToPod, hostB, segment(kPodA, kClientPort, kPodB, kPodPort, flags));
    }
    // B's segment as B sends it (its from_pod).
    TestRunResult fromServer(std::uint8_t flags) {
        return runOn(*node, Program::FromPod, hostB, segment(kPodB, kPodPort, kPodA, kClientPort, flags));
    }
};

TEST(PodFlowClose, ServerResetFirstIsOneCloseNamedClientToServer) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(kRstAck));
    auto events = drain(*reader);
    checkOneClose(events, kPodA, kClientPort, kPodB, kPodPort);
    LONGS_EQUAL(kEndpointB, events.front().endpointId);
    CHECK_TC_ACTION(TC_ACT_OK, fromClient(tcp_flags::kRst));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(kRstAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(PodFlowClose, ClientFinThenServerFinIsOneClose) {
    CHECK_TC_ACTION(TC_ACT_OK, fromClient(kFinAck));
    checkOneClose(drain(*reader), kPodA, kClientPort, kPodB, kPodPort);
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(kFinAck));
    CHECK_TC_ACTION(TC_ACT_OK, fromClient(tcp_flags::kAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

TEST(PodFlowClose, ServerFinThenClientFinIsOneClose) {
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(kFinAck));
    checkOneClose(drain(*reader), kPodA, kClientPort, kPodB, kPodPort);
    CHECK_TC_ACTION(TC_ACT_OK, fromClient(kFinAck));
    CHECK_TC_ACTION(TC_ACT_REDIRECT, fromServer(tcp_flags::kAck));
    LONGS_EQUAL(0, drain(*reader).size());
}

// A service flow to a backend isolated for ingress: the service conntrack
// and the policy conntrack both track it; only the service's reports it.
TEST_GROUP(ServiceFlowToIsolatedBackend) {
    ServiceNode n;
    std::unique_ptr<datapath::EventReader> reader;

    void setup() override {
        n.build();
        auto& dp = n.dp();
        CHECK_TRUE(dp.localEndpoints()
                       .upsert(ipOf(kPodB), {static_cast<std::uint32_t>(n.hostB), kEndpointB, kIdentityB,
                                             NP_ENDPOINT_F_INGRESS_ISOLATED})
                       .ok());
        CHECK_TRUE(dp.ipcache().upsert(IpPrefix{ipOf(kPodA), 32}, {kIdentityA, 0}).ok());
        CHECK_TRUE(dp.setPolicyRevision(1).ok());
        CHECK_TRUE(dp.policy()
                       .upsert(datapath::PolicyMapKey{kEndpointB,
                                                      PolicyEntryKey{kIdentityA, Direction::Ingress, IPPROTO_TCP,
                                                                     PortPrefix{kBackendPort, 16}}},
                               kPolicyId)
                       .ok());
        n.publishClusterIp({{7, backendAt(kPodB)}});
        reader = std::make_unique<datapath::EventReader>(openReader(dp));
        CHECK_TRUE(dp.setEventMask(NP_EVENTS_F_ALL).ok());
    }
    void teardown() override {
        reader.reset();
        n.node.reset();
    }

    // The client's segment: translated at A's from_pod, then through B's
    // to_pod as it left the translation.
    void client(std::uint8_t flags) {
        CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostA, clientTcp(kClientPort, flags)));
        CHECK_TC_ACTION(TC_ACT_OK, n.toPod(n.hostB, segment(kPodA, kClientPort, kPodB, kBackendPort, flags)));
    }
    void backend(std::uint8_t flags) {
        CHECK_TC_ACTION(TC_ACT_REDIRECT, n.fromPod(n.hostB, backendTcpReply(kPodB, kBackendPort, kClientPort, flags)));
    }
};

TEST(ServiceFlowToIsolatedBackend, OneOpenAndOneCloseWhicheverConntrackSeesIt) {
    client(tcp_flags::kSyn);
    auto opened = drain(*reader);
    LONGS_EQUAL(1, countOf(opened, FlowEventKind::FlowOpen));
    LONGS_EQUAL(1, countOf(opened, FlowEventKind::PolicyVerdict));
    const auto open = *std::find_if(opened.begin(), opened.end(),
                                    [](const FlowEvent& e) { return e.kind == FlowEventKind::FlowOpen; });
    STRCMP_EQUAL(kVip, open.dst.toString().c_str());
    // B's to_pod tracked it for policy too, marked as a service flow (which
    // tells ageing not to report that entry either).
    auto entries = n.dp().conntrack().list();
    CHECK_TRUE(entries.ok());
    std::size_t policyEntries = 0;
    for (const auto& entry : *entries) {
        if (!entry.policy) continue;
        ++policyEntries;
        CHECK_TRUE(entry.serviceFlow);
        STRCMP_EQUAL(kPodB, entry.destination.toString().c_str());
    }
    LONGS_EQUAL(1, policyEntries);

    backend(tcp_flags::kSyn | tcp_flags::kAck);
    client(tcp_flags::kAck);
    LONGS_EQUAL(0, drain(*reader).size());
    client(kFinAck);
    checkOneClose(drain(*reader), kPodA, kClientPort, kVip, kVipPort);
    backend(kFinAck);
    client(tcp_flags::kAck);
    LONGS_EQUAL(0, drain(*reader).size());
}
