#include <CppUTest/TestHarness.h>

#include "compiler/desired_node.h"

using namespace nodeplane;
using namespace nodeplane::compiler;

namespace {

state::Pod pod(const std::string& ns, const std::string& name, const std::string& node,
               std::vector<std::string> ips, std::optional<std::string> iface) {
    state::Pod p;
    p.namespace_ = ns;
    p.name = name;
    p.nodeName = node;
    for (const auto& ip : ips) p.podIPs.push_back(*IpAddress::parse(ip));
    p.interface = std::move(iface);
    return p;
}

state::Model twoNodeModel() {
    state::Model m;
    m.node = "node-a";
    m.nodes.push_back(state::Node{.name = "node-a"});
    m.nodes.push_back(state::Node{.name = "node-b"});
    m.pods.push_back(pod("x", "b", "node-a", {"10.200.1.11"}, "np-xb"));
    m.pods.push_back(pod("x", "a", "node-a", {"10.200.1.10", "fd00:200::10"}, "np-xa"));
    m.pods.push_back(pod("y", "remote", "node-b", {"10.200.2.10"}, std::nullopt));
    return m;
}

}  // namespace

TEST_GROUP(CompileNode){};

TEST(CompileNode, LocalPodsBecomeEndpointsSortedByAddress) {
    EndpointIdAllocator ids;
    auto r = compileNode(twoNodeModel(), Limits{}, ids);
    CHECK(r.ok());
    LONGS_EQUAL(3, r.desired.localEndpoints.size());
    STRCMP_EQUAL("10.200.1.10", r.desired.localEndpoints[0].ip.toString().c_str());
    STRCMP_EQUAL("np-xa", r.desired.localEndpoints[0].interface.c_str());
    STRCMP_EQUAL("x/a", r.desired.localEndpoints[0].pod.c_str());
    STRCMP_EQUAL("10.200.1.11", r.desired.localEndpoints[1].ip.toString().c_str());
    STRCMP_EQUAL("fd00:200::10", r.desired.localEndpoints[2].ip.toString().c_str());
    // Both addresses of one pod share its endpoint id.
    LONGS_EQUAL(r.desired.localEndpoints[0].endpointId, r.desired.localEndpoints[2].endpointId);
    CHECK(r.desired.localEndpoints[0].endpointId != r.desired.localEndpoints[1].endpointId);
    LONGS_EQUAL(2, r.desired.podInterfaces.size());
    STRCMP_EQUAL("np-xa", r.desired.podInterfaces[0].c_str());
    STRCMP_EQUAL("np-xb", r.desired.podInterfaces[1].c_str());
}

TEST(CompileNode, HostNetworkAndRemotePodsGetNoEndpoint) {
    auto m = twoNodeModel();
    m.pods[0].hostNetwork = true;
    EndpointIdAllocator ids;
    auto r = compileNode(m, Limits{}, ids);
    LONGS_EQUAL(2, r.desired.localEndpoints.size());
    for (const auto& e : r.desired.localEndpoints) CHECK(e.pod == "x/a");
}

TEST(CompileNode, EndpointIdsAreStableAcrossGenerations) {
    EndpointIdAllocator ids;
    auto first = compileNode(twoNodeModel(), Limits{}, ids);
    auto m = twoNodeModel();
    m.pods.erase(m.pods.begin());  // x/b leaves
    m.pods.push_back(pod("z", "c", "node-a", {"10.200.1.12"}, "np-zc"));
    auto second = compileNode(m, Limits{}, ids);
    std::uint32_t firstA = first.desired.localEndpoints[0].endpointId;
    std::uint32_t firstB = first.desired.localEndpoints[1].endpointId;
    LONGS_EQUAL(firstA, second.desired.localEndpoints[0].endpointId);  // x/a unchanged
    const auto& zc = second.desired.localEndpoints[1];
    STRCMP_EQUAL("z/c", zc.pod.c_str());
    CHECK(zc.endpointId != firstA);
    CHECK(zc.endpointId != firstB);  // a departed pod's id is not handed out again
}

TEST(CompileNode, RefusesAStateThatDoesNotFit) {
    EndpointIdAllocator ids;
    auto r = compileNode(twoNodeModel(), Limits{.maxLocalEndpoints = 2}, ids);
    CHECK_FALSE(r.ok());
    STRCMP_EQUAL(": Node node-a: the state has 3 local pod addresses, more than [datapath] max-local-endpoints = 2",
                 r.errors[0].toString().c_str());
}

TEST(CompileNode, NodeEligibility) {
    state::Node n{.name = "node-a"};
    CHECK(nodeEligible(n));
    n.taints.push_back({"ToBeDeletedByClusterAutoscaler", "1700000000", "NoSchedule"});
    CHECK_FALSE(nodeEligible(n));
    n.taints.clear();
    n.taints.push_back({"node.kubernetes.io/unschedulable", "", "NoSchedule"});
    CHECK(nodeEligible(n));  // cordoned nodes still forward (kube-proxy agrees)
    n.deleting = true;
    CHECK_FALSE(nodeEligible(n));

    auto m = twoNodeModel();
    m.nodes[0].deleting = true;
    EndpointIdAllocator ids;
    CHECK_FALSE(compileNode(m, Limits{}, ids).desired.nodeEligible);
}
