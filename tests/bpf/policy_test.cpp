// NetworkPolicy against the shipped object: to_pod enforces an isolated
// pod's ingress policy, from_pod its egress policy, on a flow's first packet;
// the conntrack entry carries the rest of the flow and its replies, and a
// policy revision change decides established flows again. Maps are filled
// through the daemon's typed tables.
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>

#include <memory>

#include "nodeplane/abi/endpoints.h"
#include "packet_test_support.h"
#include "support/counters.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;
using policy::Direction;
using policy::PolicyEntryKey;
using policy::PortPrefix;

namespace {

constexpr std::uint32_t kIdentityA = 300;
constexpr std::uint32_t kIdentityB = 301;
constexpr std::uint32_t kIdentityRemote = 400;  // kPodElsewhere
constexpr std::uint32_t kClass24 = policy::kFirstCidrIdentity;  // 10.200.2.0/24
constexpr std::uint32_t kEndpointA = 1;
constexpr std::uint32_t kEndpointB = 2;
constexpr const char* kOutside = "192.0.2.7";
constexpr const char* kSameClass = "10.200.2.99";  // in 10.200.2.0/24, not a pod

IpPrefix host(const char* ip) { return IpPrefix{ipOf(ip), 32}; }

Bytes tcpTo(const char* src, const char* dst, std::uint16_t dport, std::uint8_t flags = tcp_flags::kSyn,
            std::uint16_t sport = 40000) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(src, dst).tcp(sport, dport, flags).payload("x").build();
}

Bytes udpTo(const char* src, const char* dst, std::uint16_t dport) {
    return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(src, dst).udp(40000, dport).payload("x").build();
}

}  // namespace

TEST_GROUP(Policy) {
    std::unique_ptr<DatapathFixture> node;
    int hostA = 0;
    int hostB = 0;

    void setup() override {
        orFail([&] {
            node = std::make_unique<DatapathFixture>();
            hostA = node->addInterface("np-pod-a");
            hostB = node->addInterface("np-pod-b");
        });
        endpoint(kPodA, hostA, kEndpointA, kIdentityA, 0);
        endpoint(kPodB, hostB, kEndpointB, kIdentityB, 0);
        auto& ipcache = node->datapath().ipcache();
        CHECK_TRUE(ipcache.upsert(host(kPodA), {kIdentityA, 0}).ok());
        CHECK_TRUE(ipcache.upsert(host(kPodB), {kIdentityB, 0}).ok());
        CHECK_TRUE(ipcache.upsert(host(kPodElsewhere), {kIdentityRemote, kClass24}).ok());
        CHECK_TRUE(ipcache.upsert(*IpPrefix::parse("10.200.2.0/24"), {policy::kIdentityWorld, kClass24}).ok());
        CHECK_TRUE(ipcache.upsert(*IpPrefix::parse("0.0.0.0/0"), {policy::kIdentityWorld, 0}).ok());
        CHECK_TRUE(node->datapath().setPolicyRevision(1).ok());
    }
    void teardown() override { node.reset(); }

    void endpoint(const char* ip, int ifindex, std::uint32_t id, std::uint32_t identity, std::uint32_t flags) {
        CHECK_TRUE(node->datapath()
                       .localEndpoints()
                       .upsert(ipOf(ip), {static_cast<std::uint32_t>(ifindex), id, identity, flags})
                       .ok());
    }
    void allow(std::uint32_t endpointId, std::uint32_t remote, Direction direction, std::uint8_t protocol,
               PortPrefix port, std::uint32_t policyId = 17) {
        CHECK_TRUE(node->datapath()
                       .policy()
                       .upsert(datapath::PolicyMapKey{endpointId, PolicyEntryKey{remote, direction, protocol, port}},
                               policyId)
                       .ok());
    }
    TestRunResult intoB(const Bytes& frame) { return runOn(*node, Program::ToPod, hostB, frame); }
    TestRunResult fromA(const Bytes& frame) { return runOn(*node, Program::FromPod, hostA, frame); }
    TestRunResult fromB(const Bytes& frame) { return runOn(*node, Program::FromPod, hostB, frame); }
    std::uint64_t denied() { return dropCounter(node->datapath().stats(), "policy_denied").packets; }
    std::uint64_t allowed() { return statCounter(node->datapath().stats(), "policy_allowed").packets; }
    std::size_t conntrackEntries() {
        auto entries = node->datapath().conntrack().list();
        CHECK_TRUE(entries.ok());
        return entries->size();
    }
};

TEST(Policy, APodNoPolicySelectsTakesEverythingAndTracksNothing) {
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kOutside, kPodB, 81)));
    CHECK_TC_ACTION(TC_ACT_OK, intoB(udpTo(kPodElsewhere, kPodB, 53)));
    LONGS_EQUAL(0, denied());
    LONGS_EQUAL(0, allowed());
    LONGS_EQUAL(0, conntrackEntries());
}

TEST(Policy, AnIngressIsolatedPodAdmitsOnlyItsEntries) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    allow(kEndpointB, kIdentityRemote, Direction::Ingress, IPPROTO_TCP, PortPrefix{80, 16});

    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    LONGS_EQUAL(1, allowed());
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodElsewhere, kPodB, 81)));       // another port
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(udpTo(kPodElsewhere, kPodB, 80)));       // another protocol
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodA, kPodB, 80)));               // another identity
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kOutside, kPodB, 80)));            // the world
    LONGS_EQUAL(4, denied());
    // Only the allowed flow is tracked: one entry, for both directions.
    LONGS_EQUAL(1, conntrackEntries());
    auto entry = node->datapath().conntrack().list()->front();
    CHECK_TRUE(entry.policy);
    CHECK_FALSE(entry.replied);
    STRCMP_EQUAL(kPodElsewhere, entry.source.toString().c_str());
    LONGS_EQUAL(80, entry.destinationPort);
}

TEST(Policy, TheRestOfAnAllowedFlowAndItsRepliesPassWithoutADecision) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED | NP_ENDPOINT_F_EGRESS_ISOLATED);
    allow(kEndpointB, kIdentityRemote, Direction::Ingress, IPPROTO_TCP, PortPrefix{80, 16});
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    // B answers: its egress allows nothing, but this is a reply.
    auto reply = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodB, kPodElsewhere)
                     .tcp(80, 40000, tcp_flags::kSyn | tcp_flags::kAck).build();
    CHECK_TC_ACTION(TC_ACT_OK, fromB(reply));
    LONGS_EQUAL(1, allowed());
    LONGS_EQUAL(0, denied());
    CHECK_TRUE(node->datapath().conntrack().list()->front().replied);
    // B opening its own connection to the same peer is a new flow: denied.
    CHECK_TC_ACTION(TC_ACT_SHOT, fromB(tcpTo(kPodB, kPodElsewhere, 80, tcp_flags::kSyn, 41000)));
    LONGS_EQUAL(1, denied());
}

TEST(Policy, EgressEntriesMatchPortRangesAsPrefixes) {
    endpoint(kPodA, hostA, kEndpointA, kIdentityA, NP_ENDPOINT_F_EGRESS_ISOLATED);
    allow(kEndpointA, policy::kIdentityAny, Direction::Egress, IPPROTO_TCP, PortPrefix{80, 13});  // 80-87
    CHECK_TC_ACTION(TC_ACT_OK, fromA(tcpTo(kPodA, kPodElsewhere, 80)));
    CHECK_TC_ACTION(TC_ACT_OK, fromA(tcpTo(kPodA, kOutside, 87, tcp_flags::kSyn, 40001)));
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(tcpTo(kPodA, kPodElsewhere, 88, tcp_flags::kSyn, 40002)));
    CHECK_TC_ACTION(TC_ACT_SHOT, fromA(tcpTo(kPodA, kPodElsewhere, 79, tcp_flags::kSyn, 40003)));
    LONGS_EQUAL(2, allowed());
    LONGS_EQUAL(2, denied());
}

TEST(Policy, AnIpBlockClassMatchesPodsAndOtherAddressesInIt) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    allow(kEndpointB, kClass24, Direction::Ingress, policy::kAnyProtocol, policy::kAnyPort);
    CHECK_TC_ACTION(TC_ACT_OK, intoB(udpTo(kPodElsewhere, kPodB, 9999)));  // a pod in the class
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kSameClass, kPodB, 22)));      // a non-pod in it
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kOutside, kPodB, 22)));
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodA, kPodB, 22)));
    LONGS_EQUAL(2, allowed());
    LONGS_EQUAL(2, denied());
}

TEST(Policy, APolicyChangeReachesAnEstablishedFlowOnItsNextPacket) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    allow(kEndpointB, kIdentityRemote, Direction::Ingress, IPPROTO_TCP, PortPrefix{80, 16});
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    // The same revision: no decision, even with the entry gone.
    CHECK_TRUE(node->datapath()
                   .policy()
                   .erase(datapath::PolicyMapKey{kEndpointB, PolicyEntryKey{kIdentityRemote, Direction::Ingress,
                                                                            IPPROTO_TCP, PortPrefix{80, 16}}})
                   .ok());
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    // The daemon raises the revision after changing the maps.
    CHECK_TRUE(node->datapath().setPolicyRevision(2).ok());
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    LONGS_EQUAL(1, denied());
    // Allowed again under a third revision: decided once more, then kept.
    allow(kEndpointB, kIdentityRemote, Direction::Ingress, IPPROTO_TCP, PortPrefix{80, 16});
    CHECK_TRUE(node->datapath().setPolicyRevision(3).ok());
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80, tcp_flags::kAck)));
    LONGS_EQUAL(2, allowed());
}

TEST(Policy, IcmpIsDecidedPerPacketAndItsAnswersPass) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    auto echo = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodElsewhere, kPodB).icmpEcho(7, 1).build();
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(echo));
    auto echoReply = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodElsewhere, kPodB).icmpError(0, 0).build();
    CHECK_TC_ACTION(TC_ACT_OK, intoB(echoReply));
    // A rule without ports allows every protocol, ICMP too.
    allow(kEndpointB, kIdentityRemote, Direction::Ingress, policy::kAnyProtocol, policy::kAnyPort);
    CHECK_TC_ACTION(TC_ACT_OK, intoB(echo));
    // A rule with ports does not.
    allow(kEndpointB, kIdentityA, Direction::Ingress, IPPROTO_TCP, policy::kAnyPort);
    auto echoFromA = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodA, kPodB).icmpEcho(7, 1).build();
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(echoFromA));
    LONGS_EQUAL(0, conntrackEntries());
}

TEST(Policy, APodIsolatedForEgressOnlyStillAnswersWhatItAccepts) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_EGRESS_ISOLATED);
    // Its ingress is open: the flow is tracked, not decided.
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kPodElsewhere, kPodB, 80)));
    LONGS_EQUAL(0, allowed());
    LONGS_EQUAL(1, conntrackEntries());
    auto reply = PacketBuilder().eth(kMacPodA, kMacHostA).ipv4(kPodB, kPodElsewhere)
                     .tcp(80, 40000, tcp_flags::kSyn | tcp_flags::kAck).build();
    CHECK_TC_ACTION(TC_ACT_OK, fromB(reply));
    // Its own new connections are what its egress policy (none) decides.
    CHECK_TC_ACTION(TC_ACT_SHOT, fromB(tcpTo(kPodB, kPodElsewhere, 80, tcp_flags::kSyn, 41000)));
    LONGS_EQUAL(1, denied());
}

// to_pod skips the endpoint lookup for pods without an isolation flag (the
// np_isolated_addrs_v1 filter): a pod that gains, loses and regains one is
// enforced, then open, then enforced again, from the very next packet.
TEST(Policy, IsolationTakesEffectOnTheNextPacketEachWay) {
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, 0);
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kOutside, kPodB, 81, tcp_flags::kSyn, 40001)));
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kOutside, kPodB, 81, tcp_flags::kSyn, 40002)));
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, 0);
    CHECK_TC_ACTION(TC_ACT_OK, intoB(tcpTo(kOutside, kPodB, 81, tcp_flags::kSyn, 40003)));
    endpoint(kPodB, hostB, kEndpointB, kIdentityB, NP_ENDPOINT_F_INGRESS_ISOLATED);
    CHECK_TC_ACTION(TC_ACT_SHOT, intoB(tcpTo(kOutside, kPodB, 81, tcp_flags::kSyn, 40004)));
    LONGS_EQUAL(2, denied());
}
