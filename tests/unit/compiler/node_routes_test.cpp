// Which other nodes' podCIDRs this node routes, through which address, and
// which it refuses to route (with the warning the operator reads).
#include <CppUTest/TestHarness.h>

#include "compiler/desired_node.h"

using namespace nodeplane;
using namespace nodeplane::compiler;

namespace {

state::Node node(const char* name, std::vector<const char*> addresses, std::vector<const char*> podCidrs,
                 int line = 0) {
    state::Node n;
    n.name = name;
    for (const char* a : addresses) n.addresses.push_back(*IpAddress::parse(a));
    for (const char* c : podCidrs) n.podCIDRs.push_back(*IpPrefix::parse(c));
    n.where = {"state.toml", line, 1};
    return n;
}

// node-a is this node: 192.168.70.2, podCIDR 10.244.1.0/24, one pod.
state::Model cluster(std::vector<state::Node> others) {
    state::Model m;
    m.node = "node-a";
    m.nodes.push_back(node("node-a", {"192.168.70.2"}, {"10.244.1.0/24"}));
    for (auto& n : others) m.nodes.push_back(std::move(n));
    state::Pod pod;
    pod.namespace_ = "x";
    pod.name = "a";
    pod.nodeName = "node-a";
    pod.podIPs = {*IpAddress::parse("10.244.1.10")};
    pod.interface = "np-a";
    m.pods.push_back(pod);
    return m;
}

CompileResult compile(const state::Model& m) {
    EndpointIdAllocator ids;
    return compileNode(m, Limits{}, ids);
}

std::string routeText(const NodeRoute& r) { return r.podCIDR.toString() + " via " + r.gateway.toString() + " " + r.node; }

}  // namespace

TEST_GROUP(NodeRoutes){};

TEST(NodeRoutes, EveryOtherNodesIpv4PodCidrViaItsFirstIpv4Address) {
    // node-c before node-b in the file; dual-stack node-b lists its IPv6 InternalIP first.
    auto r = compile(cluster({node("node-c", {"192.168.70.4"}, {"10.244.3.0/24"}),
                              node("node-b", {"fd00:70::3", "192.168.70.3", "203.0.113.3"},
                                   {"10.244.2.0/24", "fd00:244:2::/64"})}));
    CHECK(r.ok());
    CHECK(r.warnings.empty());
    LONGS_EQUAL(2, r.desired.nodeRoutes.size());  // not our own podCIDR, no IPv6
    STRCMP_EQUAL("10.244.2.0/24 via 192.168.70.3 node-b", routeText(r.desired.nodeRoutes[0]).c_str());
    STRCMP_EQUAL("10.244.3.0/24 via 192.168.70.4 node-c", routeText(r.desired.nodeRoutes[1]).c_str());
}

TEST(NodeRoutes, ASingleNodeClusterHasNone) {
    auto r = compile(cluster({}));
    CHECK(r.desired.nodeRoutes.empty());
    CHECK(r.warnings.empty());
}

TEST(NodeRoutes, ANodeWithoutPodCidrsIsNotRoutedAndNotWarnedAbout) {
    // Normal while the node controller has not allocated one yet.
    auto r = compile(cluster({node("node-b", {"192.168.70.3"}, {})}));
    CHECK(r.desired.nodeRoutes.empty());
    CHECK(r.warnings.empty());
}

TEST(NodeRoutes, ANodeWithoutAnIpv4AddressIsSkippedWithAWarning) {
    auto r = compile(cluster({node("node-b", {"fd00:70::3"}, {"10.244.2.0/24"}, 12),
                              node("node-c", {"192.168.70.4"}, {"10.244.3.0/24"})}));
    CHECK(r.ok());  // tolerated: the rest of the state applies
    LONGS_EQUAL(1, r.desired.nodeRoutes.size());
    STRCMP_EQUAL("node-c", r.desired.nodeRoutes[0].node.c_str());
    LONGS_EQUAL(1, r.warnings.size());
    STRCMP_EQUAL("state.toml:12:1: Node node-b: key 'podCIDRs': podCIDR 10.244.2.0/24 is not routed: "
                 "the node has no IPv4 address, ignoring",
                 r.warnings[0].toString().c_str());
}

TEST(NodeRoutes, APodCidrOverlappingOursIsNeverRouted) {
    auto r = compile(cluster({node("node-b", {"192.168.70.3"}, {"10.244.0.0/16"}),
                              node("node-c", {"192.168.70.4"}, {"10.244.1.128/25"}),
                              node("node-d", {"192.168.70.5"}, {"10.244.1.0/24"})}));
    CHECK(r.desired.nodeRoutes.empty());
    LONGS_EQUAL(3, r.warnings.size());
    STRCMP_EQUAL("podCIDR 10.244.0.0/16 is not routed: it overlaps this node's podCIDR 10.244.1.0/24, ignoring",
                 r.warnings[0].message.c_str());
    STRCMP_EQUAL("podCIDR 10.244.1.128/25 is not routed: it overlaps this node's podCIDR 10.244.1.0/24, ignoring",
                 r.warnings[1].message.c_str());
    STRCMP_EQUAL("Node node-d", r.warnings[2].object.c_str());
}

TEST(NodeRoutes, APodCidrHoldingOneOfOurPodsIsNeverRouted) {
    auto m = cluster({node("node-b", {"192.168.70.3"}, {"10.244.0.0/16"})});
    m.nodes[0].podCIDRs.clear();  // our pod is then covered by no podCIDR of ours
    auto r = compile(m);
    CHECK(r.desired.nodeRoutes.empty());
    LONGS_EQUAL(1, r.warnings.size());
    STRCMP_EQUAL("podCIDR 10.244.0.0/16 is not routed: it contains this node's pod x/a (10.244.1.10), ignoring",
                 r.warnings[0].message.c_str());
}

TEST(NodeRoutes, APodCidrOverTheNodesOwnNetworkIsNeverRouted) {
    auto r = compile(cluster({node("node-b", {"192.168.70.3"}, {"192.168.0.0/16"}),
                              node("node-c", {"10.9.0.1"}, {"10.9.0.0/24"}),
                              node("node-d", {"192.168.70.2"}, {"10.244.4.0/24"})}));
    CHECK(r.desired.nodeRoutes.empty());
    LONGS_EQUAL(3, r.warnings.size());
    STRCMP_EQUAL("podCIDR 192.168.0.0/16 is not routed: it contains this node's address 192.168.70.2, ignoring",
                 r.warnings[0].message.c_str());
    STRCMP_EQUAL("podCIDR 10.9.0.0/24 is not routed: it contains the node's own address 10.9.0.1, its gateway, "
                 "ignoring",
                 r.warnings[1].message.c_str());
    STRCMP_EQUAL("podCIDR 10.244.4.0/24 is not routed: the node's address 192.168.70.2 is this node's own, ignoring",
                 r.warnings[2].message.c_str());
}

TEST(NodeRoutes, OfTwoOverlappingPodCidrsTheFirstNodeByNameKeepsItsRoute) {
    auto r = compile(cluster({node("node-c", {"192.168.70.4"}, {"10.244.2.0/23"}),
                              node("node-b", {"192.168.70.3"}, {"10.244.2.0/24"})}));
    LONGS_EQUAL(1, r.desired.nodeRoutes.size());
    STRCMP_EQUAL("10.244.2.0/24 via 192.168.70.3 node-b", routeText(r.desired.nodeRoutes[0]).c_str());
    LONGS_EQUAL(1, r.warnings.size());
    STRCMP_EQUAL("Node node-c", r.warnings[0].object.c_str());
    STRCMP_EQUAL("podCIDR 10.244.2.0/23 is not routed: it overlaps podCIDR 10.244.2.0/24 of node 'node-b', ignoring",
                 r.warnings[0].message.c_str());
}

TEST(NodeRoutes, ADeletingOrCordonedNodeIsStillRouted) {
    // Its pods keep running until it leaves the state.
    auto b = node("node-b", {"192.168.70.3"}, {"10.244.2.0/24"});
    b.deleting = true;
    b.unschedulable = true;
    auto r = compile(cluster({b}));
    LONGS_EQUAL(1, r.desired.nodeRoutes.size());
}

TEST(NodeRoutes, RoutesFollowTheStateFromOneCompileToTheNext) {
    auto both = compile(cluster({node("node-b", {"192.168.70.3"}, {"10.244.2.0/24"}),
                                 node("node-c", {"192.168.70.4"}, {"10.244.3.0/24"})}));
    auto onlyC = compile(cluster({node("node-c", {"192.168.70.4"}, {"10.244.3.0/24"})}));
    LONGS_EQUAL(2, both.desired.nodeRoutes.size());
    LONGS_EQUAL(1, onlyC.desired.nodeRoutes.size());
    STRCMP_EQUAL("node-c", onlyC.desired.nodeRoutes[0].node.c_str());
    CHECK_FALSE(both.desired == onlyC.desired);  // the reconciler sees the difference
}
