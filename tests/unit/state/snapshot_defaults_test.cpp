// What a snapshot may leave out, and the Kubernetes defaults it then gets.
#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::parseGood;

TEST_GROUP(SnapshotDefaults){};

TEST(SnapshotDefaults, MinimalSnapshot) {
    auto result = parseSnapshotText("format = 1\nnode = \"node-a\"\n[[nodes]]\nname = \"node-a\"\n", "s.toml");
    CHECK(result.ok());
    STRCMP_EQUAL("node-a", result.model.node.c_str());
    LONGS_EQUAL(1, result.model.nodes.size());
    CHECK(result.model.nodes[0].addresses.empty());
    CHECK_FALSE(result.model.nodes[0].unschedulable);
    CHECK_FALSE(result.model.nodes[0].deleting);
    CHECK(result.model.pods.empty());
}

TEST(SnapshotDefaults, ServiceGetsTheApiDefaults) {
    Model m = parseGood(R"([[services]]
namespace = "shop"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ port = 80 }]
)");
    LONGS_EQUAL(1, m.services.size());
    const Service& s = m.services[0];
    CHECK(s.type == ServiceType::ClusterIP);
    CHECK(s.sessionAffinity == SessionAffinity::None);
    LONGS_EQUAL(10800, s.sessionAffinityTimeoutSeconds);
    CHECK(s.externalTrafficPolicy == TrafficPolicy::Cluster);
    CHECK(s.internalTrafficPolicy == TrafficPolicy::Cluster);
    LONGS_EQUAL(0, s.healthCheckNodePort);
    LONGS_EQUAL(1, s.ports.size());
    CHECK(s.ports[0].protocol == Protocol::TCP);
    CHECK(s.ports[0].targetPort == PortRef{std::uint16_t{80}});  // targetPort defaults to port
    LONGS_EQUAL(0, s.ports[0].nodePort);
    STRCMP_EQUAL("", s.ports[0].name.c_str());  // a single port needs no name
}

TEST(SnapshotDefaults, ServiceKeysAsGiven) {
    Model m = parseGood(R"([[services]]
namespace = "shop"
name = "dns"
type = "NodePort"
clusterIPs = ["10.96.0.53", "fd00:96::53"]
externalIPs = ["192.168.99.11"]
sessionAffinity = "ClientIP"
sessionAffinityTimeoutSeconds = 60
internalTrafficPolicy = "Local"
ports = [
  { name = "dns", protocol = "UDP", port = 53, targetPort = 5353, nodePort = 30053 },
  { name = "dns-tcp", protocol = "TCP", port = 53, targetPort = "dns-tcp", nodePort = 30053 },
  { name = "sctp", protocol = "SCTP", port = 9, nodePort = 30009 },
]
)");
    const Service& s = m.services[0];
    CHECK(s.type == ServiceType::NodePort);
    LONGS_EQUAL(2, s.clusterIPs.size());
    CHECK_FALSE(s.clusterIPs[1].isV4());
    CHECK(s.sessionAffinity == SessionAffinity::ClientIP);
    LONGS_EQUAL(60, s.sessionAffinityTimeoutSeconds);
    CHECK(s.internalTrafficPolicy == TrafficPolicy::Local);
    LONGS_EQUAL(3, s.ports.size());
    CHECK(s.ports[0].protocol == Protocol::UDP);
    CHECK(s.ports[0].targetPort == PortRef{std::uint16_t{5353}});
    CHECK(s.ports[1].targetPort == PortRef{std::string("dns-tcp")});
    LONGS_EQUAL(30053, s.ports[1].nodePort);  // same number, other protocol: allowed
    CHECK(s.ports[2].protocol == Protocol::SCTP);  // accepted here; the datapath decides what it enforces
}

TEST(SnapshotDefaults, HeadlessAndExternalNameServicesNeedNoPorts) {
    Model m = parseGood(R"([[services]]
namespace = "shop"
name = "db"
clusterIPs = ["None"]

[[services]]
namespace = "shop"
name = "mail"
type = "ExternalName"
externalName = "mail.example.com"
)");
    LONGS_EQUAL(2, m.services.size());
    CHECK(m.services[0].clusterIPs.empty());
    CHECK(m.services[0].ports.empty());
    CHECK(m.services[1].type == ServiceType::ExternalName);
    STRCMP_EQUAL("mail.example.com", m.services[1].externalName.c_str());
    CHECK(m.services[1].clusterIPs.empty());
}

TEST(SnapshotDefaults, EndpointConditionsFollowDiscoveryV1) {
    Model m = parseGood(R"([[services]]
namespace = "shop"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ port = 80 }]

[[endpointSlices]]
namespace = "shop"
name = "web-1"
service = "web"
addressType = "IPv4"
endpoints = [
  { addresses = ["10.0.0.1"] },
  { addresses = ["10.0.0.2"], conditions = {} },
  { addresses = ["10.0.0.3"], conditions = { ready = false } },
  { addresses = ["10.0.0.4"], conditions = { ready = false, serving = true, terminating = true } },
  { addresses = ["10.0.0.5"], targetRef = { kind = "Pod", name = "a" }, zone = "zone-a", hints = { forZones = [{ name = "zone-a" }] } },
]

[[pods]]
namespace = "shop"
name = "a"
podIPs = ["10.0.0.5"]
)");
    const auto& e = m.endpointSlices[0].endpoints;
    LONGS_EQUAL(5, e.size());
    CHECK(e[0].conditions == (EndpointConditions{true, true, false}));   // no conditions: ready
    CHECK(e[1].conditions == (EndpointConditions{true, true, false}));
    CHECK(e[2].conditions == (EndpointConditions{false, false, false}));  // serving takes ready's value
    CHECK(e[3].conditions == (EndpointConditions{false, true, true}));
    CHECK(e[0].nodeName.empty());  // no nodeName: remote
    CHECK(e[4].targetRef == (ObjectRef{"Pod", "shop", "a"}));  // namespace: the slice's
    STRCMP_EQUAL("zone-a", e[4].zone.c_str());
    LONGS_EQUAL(1, e[4].hintsForZones.size());
    STRCMP_EQUAL("zone-a", e[4].hintsForZones[0].c_str());
    CHECK(m.endpointSlices[0].addressType == AddressType::IPv4);
}

TEST(SnapshotDefaults, PolicyTypesDefaultPerTheApi) {
    Model m = parseGood(R"([[networkPolicies]]
namespace = "shop"
name = "ingress-only"
podSelector = {}

[[networkPolicies]]
namespace = "shop"
name = "with-egress"
podSelector = {}
egress = [{ to = [{ ipBlock = { cidr = "0.0.0.0/0" } }] }]

[[networkPolicies]]
namespace = "shop"
name = "empty-egress"
podSelector = {}
egress = []
policyTypes = []

[[networkPolicies]]
namespace = "shop"
name = "egress-given"
podSelector = {}
policyTypes = ["Egress"]
)");
    LONGS_EQUAL(4, m.networkPolicies.size());
    CHECK(m.networkPolicies[0].policyTypes == std::vector<PolicyType>{PolicyType::Ingress});
    CHECK(m.networkPolicies[1].policyTypes == (std::vector<PolicyType>{PolicyType::Ingress, PolicyType::Egress}));
    CHECK(m.networkPolicies[2].policyTypes == std::vector<PolicyType>{PolicyType::Ingress});
    CHECK(m.networkPolicies[3].policyTypes == std::vector<PolicyType>{PolicyType::Egress});
    CHECK(m.networkPolicies[0].podSelector == LabelSelector{});  // {} selects every pod
}

TEST(SnapshotDefaults, PolicyRulesPeersAndPorts) {
    Model m = parseGood(R"([[networkPolicies]]
namespace = "shop"
name = "p"
podSelector = { matchExpressions = [{ key = "app", operator = "Exists" }, { key = "tier", operator = "NotIn", values = ["db", "cache"] }] }
ingress = [
  {},
  { from = [], ports = [{ port = 80, endPort = 90 }, { protocol = "UDP" }, { protocol = "SCTP", port = 7 }] },
]
)");
    const NetworkPolicy& p = m.networkPolicies[0];
    LONGS_EQUAL(2, p.podSelector.matchExpressions.size());
    CHECK(p.podSelector.matchExpressions[0].op == SelectorOperator::Exists);
    CHECK(p.podSelector.matchExpressions[0].values.empty());
    CHECK(p.podSelector.matchExpressions[1].values == (std::vector<std::string>{"db", "cache"}));
    LONGS_EQUAL(2, p.ingress.size());
    CHECK(p.ingress[0].peers.empty());  // allow all peers
    CHECK(p.ingress[0].ports.empty());  // on all ports
    CHECK(p.ingress[1].peers.empty());  // an empty `from` is an absent one
    LONGS_EQUAL(3, p.ingress[1].ports.size());
    CHECK(p.ingress[1].ports[0] == (PolicyPort{Protocol::TCP, PortRef{std::uint16_t{80}}, std::uint16_t{90}}));
    CHECK(p.ingress[1].ports[1] == (PolicyPort{Protocol::UDP, std::nullopt, std::nullopt}));
    CHECK(p.ingress[1].ports[2].protocol == Protocol::SCTP);
}

TEST(SnapshotDefaults, NamespacesNeedNotBeListed) {
    // Without any [[namespaces]], objects may be in any namespace.
    Model m = parseGood(R"([[pods]]
namespace = "anywhere"
name = "a"
podIPs = ["10.0.0.1"]
)");
    LONGS_EQUAL(1, m.pods.size());
    CHECK(m.namespaces.empty());
}

TEST(SnapshotDefaults, HostNetworkPodsShareTheNodeIp) {
    Model m = parseGood(R"([[pods]]
namespace = "kube-system"
name = "proxy"
nodeName = "node-a"
hostNetwork = true
podIPs = ["192.168.50.2"]

[[pods]]
namespace = "kube-system"
name = "dns"
nodeName = "node-a"
hostNetwork = true
podIPs = ["192.168.50.2"]
ports = [{ containerPort = 53, protocol = "UDP" }]
)");
    LONGS_EQUAL(2, m.pods.size());
    CHECK(m.pods[1].hostNetwork);
    CHECK(m.pods[1].ports[0] == (ContainerPort{"", 53, Protocol::UDP}));
    CHECK_FALSE(m.pods[0].interface.has_value());
}

TEST(SnapshotDefaults, NodeTaintsAndFlags) {
    auto result = parseSnapshotText(R"(format = 1
node = "node-a"
[[nodes]]
name = "node-a"
podCIDRs = ["10.200.1.0/24", "fd00:200:1::/64"]
taints = [{ key = "node.kubernetes.io/unschedulable", effect = "NoSchedule" }, { key = "dedicated", value = "db", effect = "NoExecute" }]
unschedulable = true
deleting = true
)",
                                    "s.toml");
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    const Node& n = result.model.nodes[0];
    LONGS_EQUAL(2, n.podCIDRs.size());
    LONGS_EQUAL(2, n.taints.size());
    CHECK(n.taints[0] == (Taint{"node.kubernetes.io/unschedulable", "", "NoSchedule"}));
    CHECK(n.taints[1] == (Taint{"dedicated", "db", "NoExecute"}));
    CHECK(n.unschedulable);
    CHECK(n.deleting);
}
