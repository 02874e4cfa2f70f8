// repairLiveModel: models as a live cluster leaves them for a moment, each
// refused as a snapshot before the repair and loading after it, with the
// objects the repair should keep kept.
#include <CppUTest/TestHarness.h>

#include <string>

#include "snapshot_model_compare.h"
#include "snapshot_test_support.h"
#include "state/live_model_repair.h"
#include "state/snapshot_writer.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::dataPath;

namespace {

IpAddress ip(const std::string& text) { return *IpAddress::parse(text); }

Node node(const std::string& name) {
    Node n;
    n.name = name;
    return n;
}

Namespace namespace_(const std::string& name) {
    Namespace n;
    n.name = name;
    n.labels = {{"kubernetes.io/metadata.name", name}};
    return n;
}

Pod pod(const std::string& name, const std::string& nodeName, std::vector<IpAddress> ips,
        std::optional<std::string> interface = std::nullopt) {
    Pod p;
    p.namespace_ = "shop";
    p.name = name;
    p.nodeName = nodeName;
    p.podIPs = std::move(ips);
    p.interface = std::move(interface);
    return p;
}

Service service(const std::string& name, const std::string& clusterIP, std::uint16_t nodePort = 0) {
    Service s;
    s.namespace_ = "shop";
    s.name = name;
    s.type = nodePort ? ServiceType::NodePort : ServiceType::ClusterIP;
    s.clusterIPs = {ip(clusterIP)};
    ServicePort port;
    port.port = 80;
    port.targetPort = std::uint16_t{8080};
    port.nodePort = nodePort;
    s.ports = {port};
    return s;
}

Endpoint endpoint(const std::string& address, const std::string& nodeName, const std::string& podName) {
    Endpoint e;
    e.addresses = {ip(address)};
    e.nodeName = nodeName;
    if (!podName.empty()) e.targetRef = ObjectRef{"Pod", "shop", podName};
    return e;
}

EndpointSlice slice(const std::string& name, const std::string& serviceName, std::vector<Endpoint> endpoints) {
    EndpointSlice s;
    s.namespace_ = "shop";
    s.name = name;
    s.service = serviceName;
    EndpointPort port;
    port.port = 8080;
    s.ports = {port};
    s.endpoints = std::move(endpoints);
    return s;
}

// node-a (this node) and node-b, namespace shop, a Service with one slice
// whose endpoints are a local and a remote pod: consistent.
Model cluster() {
    Model m;
    m.node = "node-a";
    m.nodes = {node("node-a"), node("node-b")};
    m.namespaces = {namespace_("shop")};
    m.pods = {pod("web-1", "node-a", {ip("10.200.1.10")}, "veth-web-1"), pod("web-2", "node-b", {ip("10.200.2.10")})};
    m.services = {service("web", "10.96.0.10", 30080)};
    m.endpointSlices = {slice("web-1", "web",
                              {endpoint("10.200.1.10", "node-a", "web-1"), endpoint("10.200.2.10", "node-b", "web-2")})};
    return m;
}

std::string loadErrors(const Model& m) { return formatInputErrors(parseSnapshotText(renderSnapshot(m), "x").errors); }

// `m` is refused as a snapshot (the test builds a real inconsistency),
// and loads after the repair, whose report is returned.
RepairReport repairRefused(Model& m) {
    CHECK_TEXT(!loadErrors(m).empty(), "the model should be refused before the repair");
    auto report = repairLiveModel(m);
    STRCMP_EQUAL("", loadErrors(m).c_str());
    CHECK(report.changed());
    return report;
}

std::string notesOf(const RepairReport& r) {
    std::string out;
    for (const auto& n : r.notes) out += n + "\n";
    return out;
}

}  // namespace

TEST_GROUP(LiveModelRepair){};

TEST(LiveModelRepair, ConsistentModelsComeOutUnchanged) {
    for (const char* path : {"example.toml", "merged"}) {
        auto loaded = loadSnapshot(dataPath(path));
        STRCMP_EQUAL("", formatInputErrors(loaded.errors).c_str());
        Model m = loaded.model;
        auto report = repairLiveModel(m);
        STRCMP_EQUAL("", notesOf(report).c_str());
        CHECK_FALSE(report.changed());
        CHECK(m == loaded.model);
    }
    Model m = cluster();
    STRCMP_EQUAL("", loadErrors(m).c_str());
    CHECK_FALSE(repairLiveModel(m).changed());
    CHECK(m == cluster());
}

TEST(LiveModelRepair, ASliceOfADeletedServiceIsDropped) {
    Model m = cluster();
    m.endpointSlices.push_back(slice("gone-1", "gone", {endpoint("10.200.2.10", "node-b", "web-2")}));
    auto report = repairRefused(m);
    STRCMP_EQUAL("EndpointSlice shop/gone-1: Service shop/gone is not listed, dropped\n", notesOf(report).c_str());
    LONGS_EQUAL(1, report.dropped);
    LONGS_EQUAL(1, m.endpointSlices.size());
    STRCMP_EQUAL("web-1", m.endpointSlices[0].name.c_str());
}

TEST(LiveModelRepair, AnEndpointOfAPodGoneKeepsItsAddress) {
    Model m = cluster();
    m.pods.pop_back();  // web-2 deleted; the slice still names it
    m.endpointSlices[0].endpoints[1].targetRef->namespace_.clear();  // the slice's namespace
    auto report = repairRefused(m);
    STRCMP_EQUAL("EndpointSlice shop/web-1 endpoints[1]: Pod shop/web-2 is not listed, targetRef cleared\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(1, report.cleared);
    const auto& endpoints = m.endpointSlices.at(0).endpoints;
    LONGS_EQUAL(2, endpoints.size());
    STRCMP_EQUAL("10.200.2.10", endpoints[1].addresses.at(0).toString().c_str());
    CHECK_FALSE(endpoints[1].targetRef.has_value());
    STRCMP_EQUAL("web-1", endpoints[0].targetRef->name.c_str());
}

TEST(LiveModelRepair, ObjectsOnANodeNotListedBecomeRemote) {
    Model m = cluster();
    m.nodes.pop_back();  // node-b deleted before its pod and endpoint
    auto report = repairRefused(m);
    STRCMP_EQUAL("Pod shop/web-2: node 'node-b' is not listed, nodeName cleared\n"
                 "EndpointSlice shop/web-1 endpoints[1]: node 'node-b' is not listed, nodeName cleared\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(2, m.pods.size());
    STRCMP_EQUAL("", m.pods[1].nodeName.c_str());
    STRCMP_EQUAL("10.200.2.10", m.pods[1].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("", m.endpointSlices[0].endpoints[1].nodeName.c_str());
    STRCMP_EQUAL("node-a", m.endpointSlices[0].endpoints[0].nodeName.c_str());
}

TEST(LiveModelRepair, ThisNodeNotYetListedStandsInByName) {
    Model m = cluster();
    m.nodes.erase(m.nodes.begin());
    auto report = repairRefused(m);
    LONGS_EQUAL(1, report.added);
    LONGS_EQUAL(0, report.cleared);  // its pods and endpoints stay local
    STRCMP_EQUAL("node-a", m.thisNode()->name.c_str());
    STRCMP_EQUAL("veth-web-1", m.pods[0].interface->c_str());
}

TEST(LiveModelRepair, OnlyPodsOfThisNodeKeepAnInterface) {
    Model m = cluster();
    m.pods[1].interface = "veth-web-2";  // on node-b
    Pod host = pod("agent", "node-a", {}, "veth-agent");
    host.hostNetwork = true;
    m.pods.push_back(host);
    auto report = repairRefused(m);
    STRCMP_EQUAL("Pod shop/web-2: it does not run on this node, interface 'veth-web-2' cleared\n"
                 "Pod shop/agent: a hostNetwork pod has no interface of its own, interface 'veth-agent' cleared\n",
                 notesOf(report).c_str());
    CHECK_FALSE(m.pods[1].interface.has_value());
    CHECK_FALSE(m.pods[2].interface.has_value());
    STRCMP_EQUAL("veth-web-1", m.pods[0].interface->c_str());
}

TEST(LiveModelRepair, AReusedPodIPBelongsToTheLaterPod) {
    Model m = cluster();
    // web-1 is terminating; its IP and interface already went to web-3,
    // listed later. web-1's IPv6 address is its own still.
    m.pods[0].podIPs.push_back(ip("fd00:200:1::10"));
    m.pods.push_back(pod("web-3", "node-a", {ip("10.200.1.10")}, "veth-web-1"));
    auto report = repairRefused(m);
    STRCMP_EQUAL("Pod shop/web-1: interface 'veth-web-1' is held by a later pod, interface cleared\n"
                 "Pod shop/web-1: 10.200.1.10 is the IP of a later pod, IP cleared\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(3, m.pods.size());  // web-1 kept: the slice still names it
    LONGS_EQUAL(1, m.pods[0].podIPs.size());
    STRCMP_EQUAL("fd00:200:1::10", m.pods[0].podIPs[0].toString().c_str());
    CHECK_FALSE(m.pods[0].interface.has_value());
    STRCMP_EQUAL("10.200.1.10", m.pods[2].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("veth-web-1", m.pods[2].interface->c_str());
    STRCMP_EQUAL("web-1", m.endpointSlices[0].endpoints[0].targetRef->name.c_str());
}

TEST(LiveModelRepair, ATerminatingPodYieldsItsIPAndInterfaceWhereverItIsListed) {
    Model m = cluster();
    // web-0 is new and listed first; web-1, listed later, is terminating and
    // still shows the IP and interface its successor already has.
    m.pods[0].deleting = true;
    m.pods.insert(m.pods.begin(), pod("web-0", "node-a", {ip("10.200.1.10")}, "veth-web-1"));
    auto report = repairRefused(m);
    STRCMP_EQUAL("Pod shop/web-1: interface 'veth-web-1' is held by a pod that is not terminating, interface cleared\n"
                 "Pod shop/web-1: 10.200.1.10 is the IP of a pod that is not terminating, IP cleared\n",
                 notesOf(report).c_str());
    STRCMP_EQUAL("10.200.1.10", m.pods[0].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("veth-web-1", m.pods[0].interface->c_str());
    CHECK_TRUE(m.pods[1].podIPs.empty());
    CHECK_FALSE(m.pods[1].interface.has_value());
}

TEST(LiveModelRepair, HostNetworkPodsShareTheirNodesIPs) {
    Model m = cluster();
    Pod a = pod("agent-a", "node-a", {ip("192.168.50.2")});
    a.hostNetwork = true;
    Pod b = a;
    b.name = "agent-b";
    m.pods.push_back(a);
    m.pods.push_back(b);
    STRCMP_EQUAL("", loadErrors(m).c_str());
    CHECK_FALSE(repairLiveModel(m).changed());
    LONGS_EQUAL(1, m.pods[3].podIPs.size());
}

TEST(LiveModelRepair, AServiceWhoseClusterIPOrNodePortWasReusedIsDroppedWithItsSlices) {
    Model m = cluster();
    m.services.push_back(service("new", "10.96.0.10"));           // web's cluster IP, reallocated
    m.services.push_back(service("other", "10.96.0.11", 30081));  // unrelated
    m.services.insert(m.services.begin(), service("old", "10.96.0.12", 30081));  // its node port reused
    auto report = repairRefused(m);
    STRCMP_EQUAL("Service shop/web: cluster IP 10.96.0.10 is held by a later Service, dropped\n"
                 "Service shop/old: node port 30081/TCP is held by a later Service, dropped\n"
                 "EndpointSlice shop/web-1: Service shop/web is not listed, dropped\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(3, report.dropped);
    LONGS_EQUAL(2, m.services.size());
    STRCMP_EQUAL("new", m.services[0].name.c_str());
    STRCMP_EQUAL("other", m.services[1].name.c_str());
    CHECK(m.endpointSlices.empty());
}

TEST(LiveModelRepair, ANodePortOfAnotherProtocolIsNoConflict) {
    Model m = cluster();
    Service dns = service("dns", "10.96.0.53", 30080);
    dns.ports[0].protocol = Protocol::UDP;
    m.services.push_back(dns);
    STRCMP_EQUAL("", loadErrors(m).c_str());
    CHECK_FALSE(repairLiveModel(m).changed());
}

TEST(LiveModelRepair, ANamespaceNotListedStandsInWithItsNameLabel) {
    Model m = cluster();
    Service s = service("api", "10.96.0.20");
    s.namespace_ = "late";
    m.services.push_back(s);
    NetworkPolicy p;
    p.namespace_ = "late";
    p.name = "deny";
    p.policyTypes = {PolicyType::Ingress};
    m.networkPolicies.push_back(p);
    auto report = repairRefused(m);
    STRCMP_EQUAL("Namespace late: not listed but holds Service late/api, added with its name label only\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(1, report.added);
    LONGS_EQUAL(2, m.namespaces.size());
    STRCMP_EQUAL("late", m.namespaces[1].labels.at("kubernetes.io/metadata.name").c_str());
    LONGS_EQUAL(2, m.services.size());

    // Without any namespace listed the rule does not apply: nothing is added.
    Model none = cluster();
    none.namespaces.clear();
    none.services.push_back(s);
    CHECK_FALSE(repairLiveModel(none).changed());
    CHECK(none.namespaces.empty());
}

TEST(LiveModelRepair, AnObjectListedTwiceKeepsTheLaterCopy) {
    Model m = cluster();
    Service updated = m.services[0];
    updated.ports[0].port = 81;
    m.services.push_back(updated);
    m.nodes.push_back(node("node-b"));
    auto report = repairRefused(m);
    STRCMP_EQUAL("Node node-b: listed again later, dropped\n"
                 "Service shop/web: listed again later, dropped\n",
                 notesOf(report).c_str());
    LONGS_EQUAL(1, m.services.size());
    LONGS_EQUAL(81, m.services[0].ports[0].port);
    LONGS_EQUAL(2, m.nodes.size());
}

TEST(LiveModelRepair, NotesAreBounded) {
    Model m = cluster();
    for (int i = 0; i < 150; ++i) m.endpointSlices.push_back(slice("x-" + std::to_string(i), "x", {}));
    auto report = repairRefused(m);
    LONGS_EQUAL(150, report.dropped);
    LONGS_EQUAL(kMaxRepairNotes + 1, report.notes.size());
    STRCMP_EQUAL("EndpointSlice shop/x-99: Service shop/x is not listed, dropped", report.notes[99].c_str());
    STRCMP_EQUAL("and 50 more repairs", report.notes.back().c_str());
}

TEST(LiveModelRepair, FiftyThousandPods) {
    // Every tenth pod's IP was reused by a pod listed after it, on a node
    // not listed: linear work, not a comparison of every pair.
    constexpr int kPods = 50000;
    Model m = cluster();
    m.pods.clear();
    m.endpointSlices.clear();
    for (int i = 0; i < kPods; ++i) {
        int n = i % 10 == 9 ? i - 9 : i;
        std::string address = "10." + std::to_string(n / 65536) + "." + std::to_string(n / 256 % 256) + "." +
                              std::to_string(n % 256);
        m.pods.push_back(pod("p-" + std::to_string(i), i % 2 ? "node-b" : "node-gone", {ip(address)}));
    }
    auto report = repairLiveModel(m);
    LONGS_EQUAL(kPods / 10, report.cleared - kPods / 2);  // IPs, besides every other pod's nodeName
    LONGS_EQUAL(kPods, m.pods.size());
    CHECK(m.pods[0].podIPs.empty());  // p-0's IP went to p-9
    STRCMP_EQUAL("10.0.0.0", m.pods[9].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("node-b", m.pods[9].nodeName.c_str());
    STRCMP_EQUAL("", m.pods[8].nodeName.c_str());
}
