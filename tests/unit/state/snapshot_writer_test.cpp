// renderSnapshot: the parser reads what it writes back into an equal model,
// for every field the model has, and the same model gives the same bytes.
#include <string>

#include "snapshot_model_compare.h"
#include "snapshot_test_support.h"
#include "state/snapshot_writer.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::checkSameModel;
using nodeplane::state::test::dataPath;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix cidr(const char* text) { return *IpPrefix::parse(text); }

void addNodesAndNamespaces(Model& m) {
    m.node = "node-a";
    Node a;
    a.name = "node-a";
    a.labels = {{"topology.kubernetes.io/zone", "zone-a"}, {"kubernetes.io/hostname", "node-a"}};
    a.addresses = {ip("192.168.50.2"), ip("fd00:50::2")};
    a.podCIDRs = {cidr("10.200.1.0/24"), cidr("fd00:200:1::/64")};
    a.taints = {Taint{"dedicated", "edge", "NoSchedule"}, Taint{"node.kubernetes.io/unreachable", "", "NoExecute"}};
    Node b;
    b.name = "node-b";
    b.addresses = {ip("192.168.50.3")};
    b.podCIDRs = {cidr("10.200.2.0/24")};
    b.unschedulable = true;
    b.deleting = true;
    m.nodes = {a, b};

    Namespace shop;
    shop.name = "shop";
    shop.labels = {{"kubernetes.io/metadata.name", "shop"}, {"team", "web"}};
    // Quotes, a backslash, a newline and non-ASCII text: toml++ must quote them all.
    shop.annotations = {{"example.com/note", "say \"hi\"\\ then\nleave, caf\xc3\xa9"}, {"empty", ""}};
    Namespace ops;
    ops.name = "ops";
    m.namespaces = {shop, ops};
}

void addPods(Model& m) {
    Pod web;
    web.namespace_ = "shop";
    web.name = "web-7d4b9c-x2x9z";
    web.labels = {{"app", "web"}, {"pod-template-hash", "7d4b9c"}};
    web.annotations = {{"kubectl.kubernetes.io/restartedAt", "2026-11-28T10:00:00Z"}};
    web.nodeName = "node-a";
    web.podIPs = {ip("10.200.1.10"), ip("fd00:200:1::10")};
    web.ports = {ContainerPort{"http", 8080, Protocol::TCP}, ContainerPort{"", 9090, Protocol::TCP},
                 ContainerPort{"dns", 53, Protocol::UDP}, ContainerPort{"sig", 2905, Protocol::SCTP}};
    web.interface = "np-web-1";
    web.ownerReferences = {OwnerReference{"ReplicaSet", "web-7d4b9c", true},
                           OwnerReference{"ConfigMap", "extra", std::nullopt},
                           OwnerReference{"Secret", "other", false}};
    Pod remote;
    remote.namespace_ = "shop";
    remote.name = "db-0";
    remote.labels = {{"app", "db"}};
    remote.nodeName = "node-b";
    remote.podIPs = {ip("10.200.2.20")};
    remote.ports = {ContainerPort{"pg", 5432, Protocol::TCP}};
    remote.ownerReferences = {OwnerReference{"StatefulSet", "db", std::nullopt}};
    Pod host;
    host.namespace_ = "ops";
    host.name = "agent-abcde";
    host.nodeName = "node-a";
    host.podIPs = {ip("192.168.50.2")};
    host.hostNetwork = true;
    Pod pending;  // not scheduled yet: no node, no IP
    pending.namespace_ = "ops";
    pending.name = "pending";
    m.pods = {web, remote, host, pending};
}

void addServices(Model& m) {
    Service web;
    web.namespace_ = "shop";
    web.name = "web";
    web.labels = {{"app", "web"}};
    web.annotations = {{"owner", "team-web"}};
    web.clusterIPs = {ip("10.96.0.10"), ip("fd00:96::10")};
    web.externalIPs = {ip("198.51.100.7")};
    web.sessionAffinity = SessionAffinity::ClientIP;
    web.sessionAffinityTimeoutSeconds = 600;
    web.internalTrafficPolicy = TrafficPolicy::Local;
    web.ports = {ServicePort{"http", Protocol::TCP, 80, PortRef{std::string("http")}, 0},
                 ServicePort{"metrics", Protocol::TCP, 9090, PortRef{std::uint16_t{9090}}, 0},
                 ServicePort{"dns", Protocol::UDP, 53, PortRef{std::uint16_t{5353}}, 0}};
    Service nodePort;
    nodePort.namespace_ = "shop";
    nodePort.name = "web-np";
    nodePort.type = ServiceType::NodePort;
    nodePort.clusterIPs = {ip("10.96.0.11")};
    nodePort.ports = {ServicePort{"", Protocol::TCP, 80, PortRef{std::uint16_t{8080}}, 30081}};
    Service lb;
    lb.namespace_ = "shop";
    lb.name = "web-lb";
    lb.type = ServiceType::LoadBalancer;
    lb.clusterIPs = {ip("10.96.0.12")};
    lb.loadBalancerIPs = {ip("203.0.113.10"), ip("2001:db8::10")};
    lb.loadBalancerSourceRanges = {cidr("203.0.113.0/24"), cidr("2001:db8::/32")};
    lb.externalTrafficPolicy = TrafficPolicy::Local;
    lb.healthCheckNodePort = 32000;
    lb.ports = {ServicePort{"http", Protocol::TCP, 80, PortRef{std::string("http")}, 30080},
                ServicePort{"q", Protocol::UDP, 80, PortRef{std::uint16_t{80}}, 30080}};
    Service headless;
    headless.namespace_ = "shop";
    headless.name = "db";
    headless.ports = {ServicePort{"pg", Protocol::TCP, 5432, PortRef{std::uint16_t{5432}}, 0}};
    Service alias;
    alias.namespace_ = "ops";
    alias.name = "mail";
    alias.type = ServiceType::ExternalName;
    alias.externalName = "mail.example.com";
    m.services = {web, nodePort, lb, headless, alias};
}

void addEndpointSlices(Model& m) {
    EndpointSlice v4;
    v4.namespace_ = "shop";
    v4.name = "web-x7k2p";
    v4.service = "web";
    v4.ports = {EndpointPort{"http", 8080, Protocol::TCP}, EndpointPort{"dns", 5353, Protocol::UDP}};
    Endpoint local;
    local.addresses = {ip("10.200.1.10")};
    local.nodeName = "node-a";
    local.zone = "zone-a";
    local.hintsForZones = {"zone-a", "zone-b"};
    local.targetRef = ObjectRef{"Pod", "shop", "web-7d4b9c-x2x9z"};
    Endpoint leaving;
    leaving.addresses = {ip("10.200.2.30"), ip("10.200.2.31")};
    leaving.conditions = EndpointConditions{false, true, true};
    leaving.nodeName = "node-b";
    Endpoint outside;  // no node: remote; not ready, not serving
    outside.addresses = {ip("172.16.0.5")};
    outside.conditions = EndpointConditions{false, false, false};
    outside.targetRef = ObjectRef{"ExternalWorkload", "ops", "vm-1"};
    v4.endpoints = {local, leaving, outside};
    EndpointSlice v6;
    v6.namespace_ = "shop";
    v6.name = "web-v6abc";
    v6.service = "web";
    v6.addressType = AddressType::IPv6;
    v6.ports = {EndpointPort{"http", 8080, Protocol::TCP}};
    Endpoint e6;
    e6.addresses = {ip("fd00:200:1::10")};
    e6.nodeName = "node-a";
    v6.endpoints = {e6};
    EndpointSlice empty;  // a service without backends still has its slice
    empty.namespace_ = "shop";
    empty.name = "db-empty";
    empty.service = "db";
    m.endpointSlices = {v4, v6, empty};
}

void addNetworkPolicies(Model& m) {
    NetworkPolicy web;
    web.namespace_ = "shop";
    web.name = "web";
    web.annotations = {{"reason", "ticket 42"}};
    web.podSelector.matchLabels = {{"app", "web"}};
    web.podSelector.matchExpressions = {SelectorRequirement{"tier", SelectorOperator::In, {"a", "b"}},
                                        SelectorRequirement{"canary", SelectorOperator::NotIn, {"true"}},
                                        SelectorRequirement{"team", SelectorOperator::Exists, {}},
                                        SelectorRequirement{"legacy", SelectorOperator::DoesNotExist, {}}};
    web.policyTypes = {PolicyType::Ingress, PolicyType::Egress};

    PolicyRule fromFrontends;
    PolicyPeer sameNamespace;
    sameNamespace.podSelector = LabelSelector{{{"app", "frontend"}}, {}};
    PolicyPeer anyPodOfTeam;
    anyPodOfTeam.namespaceSelector = LabelSelector{{{"team", "web"}}, {}};
    anyPodOfTeam.podSelector = LabelSelector{};  // {}: every pod there
    PolicyPeer everyNamespace;
    everyNamespace.namespaceSelector = LabelSelector{};
    PolicyPeer block;
    block.ipBlock = IpBlock{cidr("192.168.0.0/16"), {cidr("192.168.99.0/24"), cidr("192.168.100.0/24")}};
    fromFrontends.peers = {sameNamespace, anyPodOfTeam, everyNamespace, block};
    fromFrontends.ports = {PolicyPort{Protocol::TCP, PortRef{std::string("http")}, std::nullopt},
                           PolicyPort{Protocol::TCP, PortRef{std::uint16_t{8000}}, std::uint16_t{8100}},
                           PolicyPort{Protocol::UDP, std::nullopt, std::nullopt},
                           PolicyPort{Protocol::SCTP, PortRef{std::uint16_t{2905}}, std::nullopt}};
    PolicyRule fromAnywhere;  // no peers, no ports: everything
    web.ingress = {fromFrontends, fromAnywhere};

    PolicyRule toDns;
    PolicyPeer v6;
    v6.ipBlock = IpBlock{cidr("fd00::/8"), {}};
    toDns.peers = {v6};
    toDns.ports = {PolicyPort{Protocol::UDP, PortRef{std::uint16_t{53}}, std::nullopt}};
    web.egress = {toDns};

    NetworkPolicy denyAll;
    denyAll.namespace_ = "ops";
    denyAll.name = "deny-all";
    denyAll.policyTypes = {PolicyType::Ingress, PolicyType::Egress};
    NetworkPolicy egressOnly;
    egressOnly.namespace_ = "ops";
    egressOnly.name = "egress-only";
    egressOnly.podSelector.matchExpressions = {SelectorRequirement{"app", SelectorOperator::Exists, {}}};
    egressOnly.policyTypes = {PolicyType::Egress};
    m.networkPolicies = {web, denyAll, egressOnly};
}

// Every field of every kind, each optional one both given and not.
Model everyField() {
    Model m;
    addNodesAndNamespaces(m);
    addPods(m);
    addServices(m);
    addEndpointSlices(m);
    addNetworkPolicies(m);
    return m;
}

SnapshotLoadResult reparse(const std::string& text) { return parseSnapshotText(text, "written.toml"); }

}  // namespace

TEST_GROUP(SnapshotWriter){};

TEST(SnapshotWriter, EveryFieldReadsBackEqual) {
    const Model model = everyField();
    const std::string text = renderSnapshot(model);
    auto back = reparse(text);
    STRCMP_EQUAL_TEXT("", formatInputErrors(back.errors).c_str(), text.c_str());
    checkSameModel(model, back.model);
}

TEST(SnapshotWriter, TheSpecExampleReadsBackEqual) {
    auto original = loadSnapshot(dataPath("example.toml"));
    STRCMP_EQUAL("", formatInputErrors(original.errors).c_str());
    const std::string text = renderSnapshot(original.model);
    auto back = reparse(text);
    STRCMP_EQUAL_TEXT("", formatInputErrors(back.errors).c_str(), text.c_str());
    checkSameModel(original.model, back.model);
}

TEST(SnapshotWriter, SameModelSameBytes) {
    const std::string first = renderSnapshot(everyField());
    STRCMP_EQUAL(first.c_str(), renderSnapshot(everyField()).c_str());
    // Read back and written again: a fixed point, so a saved snapshot does
    // not change on disk while the state does not.
    auto back = reparse(first);
    CHECK(back.ok());
    STRCMP_EQUAL(first.c_str(), renderSnapshot(back.model).c_str());
    // The document starts with its format, as a reader expects.
    CHECK(first.rfind("format = 1\nnode = \"node-a\"\n", 0) == 0);
}

TEST(SnapshotWriter, DefaultsAreLeftOutAndOrderIsTheModels) {
    Model m;
    m.node = "n";
    m.nodes = {Node{}, Node{}};
    m.nodes[0].name = "n";
    m.nodes[1].name = "a";  // after "n", as in the model, not sorted
    STRCMP_EQUAL("format = 1\nnode = \"n\"\n\n[[nodes]]\nname = \"n\"\n\n[[nodes]]\nname = \"a\"\n",
                 renderSnapshot(m).c_str());
}

TEST(SnapshotWriter, AModelThatIsNotAValidSnapshotIsWrittenAsIsAndRefusedOnReading) {
    // The writer does not hide a model's faults: a timeout without ClientIP
    // is written, and the parser refuses it as the API would.
    Model m = everyField();
    m.services[1].sessionAffinityTimeoutSeconds = 60;
    auto back = reparse(renderSnapshot(m));
    CHECK_FALSE(back.ok());
    LONGS_EQUAL(1, back.errors.size());
    STRCMP_EQUAL("Service shop/web-np", back.errors[0].object.c_str());
    STRCMP_EQUAL("sessionAffinityTimeoutSeconds", back.errors[0].key.c_str());
}
