// The example of snapshot.md, read from tests/data/state/example.toml (a
// verbatim copy), must parse to exactly this model, locations included.
#include <fstream>
#include <sstream>

#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::dataPath;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix cidr(const char* text) { return *IpPrefix::parse(text); }

Model expectedModel() {
    const std::string file = dataPath("example.toml");
    Model m;
    m.node = "node-a";

    Node node;
    node.name = "node-a";
    node.addresses = {ip("192.168.50.2")};
    node.podCIDRs = {cidr("10.200.1.0/24")};
    node.labels = {{"topology.kubernetes.io/zone", "zone-a"}};
    node.where = {file, 4, 1};
    m.nodes.push_back(node);

    Namespace ns;
    ns.name = "shop";
    ns.labels = {{"kubernetes.io/metadata.name", "shop"}, {"team", "web"}};
    ns.where = {file, 10, 1};
    m.namespaces.push_back(ns);

    Pod pod;
    pod.namespace_ = "shop";
    pod.name = "web-1";
    pod.nodeName = "node-a";
    pod.podIPs = {ip("10.200.1.10")};
    pod.labels = {{"app", "web"}};
    pod.ports = {ContainerPort{"http", 8080, Protocol::TCP}};
    pod.interface = "np-web-1";
    pod.where = {file, 14, 1};
    m.pods.push_back(pod);

    Service svc;
    svc.namespace_ = "shop";
    svc.name = "web";
    svc.type = ServiceType::LoadBalancer;
    svc.clusterIPs = {ip("10.96.0.10")};
    svc.loadBalancerIPs = {ip("203.0.113.10")};
    svc.externalTrafficPolicy = TrafficPolicy::Local;
    svc.internalTrafficPolicy = TrafficPolicy::Cluster;
    svc.sessionAffinity = SessionAffinity::None;
    svc.sessionAffinityTimeoutSeconds = 10800;
    svc.healthCheckNodePort = 32000;
    svc.ports = {ServicePort{"http", Protocol::TCP, 80, PortRef{std::string("http")}, 30080}};
    svc.where = {file, 23, 1};
    m.services.push_back(svc);

    EndpointSlice slice;
    slice.namespace_ = "shop";
    slice.name = "web-x7k2p";
    slice.service = "web";
    slice.addressType = AddressType::IPv4;
    slice.ports = {EndpointPort{"http", 8080, Protocol::TCP}};
    Endpoint endpoint;
    endpoint.addresses = {ip("10.200.1.10")};
    endpoint.conditions = EndpointConditions{true, true, false};
    endpoint.nodeName = "node-a";
    endpoint.targetRef = ObjectRef{"Pod", "shop", "web-1"};
    slice.endpoints = {endpoint};
    slice.where = {file, 33, 1};
    m.endpointSlices.push_back(slice);

    NetworkPolicy policy;
    policy.namespace_ = "shop";
    policy.name = "web-from-frontend";
    policy.podSelector.matchLabels = {{"app", "web"}};
    policy.policyTypes = {PolicyType::Ingress};
    PolicyRule rule;
    rule.ports = {PolicyPort{Protocol::TCP, PortRef{std::string("http")}, std::nullopt}};
    PolicyPeer fromFrontend;
    fromFrontend.namespaceSelector = LabelSelector{{{"team", "web"}}, {}};
    fromFrontend.podSelector = LabelSelector{{}, {SelectorRequirement{"app", SelectorOperator::In, {"frontend"}}}};
    PolicyPeer fromBlock;
    fromBlock.ipBlock = IpBlock{cidr("192.168.0.0/16"), {cidr("192.168.99.0/24")}};
    rule.peers = {fromFrontend, fromBlock};
    policy.ingress = {rule};
    policy.where = {file, 43, 1};
    m.networkPolicies.push_back(policy);
    return m;
}

}  // namespace

TEST_GROUP(SnapshotExample){};

TEST(SnapshotExample, ParsesToExactlyTheExpectedModel) {
    auto result = loadSnapshot(dataPath("example.toml"));
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    LONGS_EQUAL(1, result.files.size());
    const Model& got = result.model;
    const Model expected = expectedModel();
    // Kind by kind first, so that a failure says where the difference is.
    STRCMP_EQUAL(expected.node.c_str(), got.node.c_str());
    CHECK(expected.nodes == got.nodes);
    CHECK(expected.namespaces == got.namespaces);
    CHECK(expected.pods == got.pods);
    CHECK(expected.services == got.services);
    CHECK(expected.endpointSlices == got.endpointSlices);
    CHECK(expected.networkPolicies == got.networkPolicies);
    CHECK(expected == got);
    CHECK(got.thisNode() == &got.nodes[0]);
}

TEST(SnapshotExample, TextAndFileGiveTheSameModel) {
    auto fromFile = loadSnapshot(dataPath("example.toml"));
    std::ifstream in(dataPath("example.toml"));
    CHECK(in.good());
    std::stringstream text;
    text << in.rdbuf();
    auto fromText = parseSnapshotText(text.str(), dataPath("example.toml"));
    CHECK(fromText.ok());
    CHECK(fromFile.model == fromText.model);
}
