// nodeplanectl snapshot import: a kubectl List with every kind becomes the
// snapshot the daemon reads as the expected model; bad input writes nothing.
#include <CppUTest/TestHarness.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../state/snapshot_model_compare.h"
#include "nodeplanectl/cli.h"
#include "nodeplanectl/snapshot_import.h"
#include "state/snapshot_loader.h"

using namespace nodeplane;
using namespace nodeplane::state;
namespace fs = std::filesystem;
using nodeplane::state::test::checkSameModel;

namespace {

const std::string kFixture = std::string(NODEPLANE_TEST_DATA) + "/import/cluster.json";

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix cidr(const char* text) { return *IpPrefix::parse(text); }

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Run runCli(std::vector<std::string> args) {
    std::ostringstream out;
    std::ostringstream err;
    Run run;
    run.exitCode = ctl::runCli(args, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "np-import-XXXXXX").string();
        CHECK(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

// tests/data/import/cluster.json, field by field, as the snapshot means it.
Model expectedModel() {
    Model m;
    m.node = "node-a";
    Node a;
    a.name = "node-a";
    a.labels = {{"kubernetes.io/hostname", "node-a"}, {"kubernetes.io/os", "linux"},
                {"topology.kubernetes.io/zone", "zone-a"}};
    a.addresses = {ip("192.168.50.2"), ip("fd00:50::2")};
    a.podCIDRs = {cidr("10.200.1.0/24"), cidr("fd00:200:1::/64")};
    a.taints = {Taint{"dedicated", "edge", "NoSchedule"}};
    Node b;
    b.name = "node-b";
    b.labels = {{"kubernetes.io/hostname", "node-b"}, {"topology.kubernetes.io/zone", "zone-b"}};
    b.addresses = {ip("192.168.50.3"), ip("203.0.113.3")};  // InternalIP first
    b.podCIDRs = {cidr("10.200.2.0/24")};
    b.unschedulable = true;
    m.nodes = {a, b};

    Namespace def;
    def.name = "default";
    def.labels = {{"kubernetes.io/metadata.name", "default"}};
    Namespace shop;
    shop.name = "shop";
    shop.labels = {{"kubernetes.io/metadata.name", "shop"}, {"team", "web"}};
    shop.annotations = {{"example.com/owner", "team-web"}};
    m.namespaces = {def, shop};

    Pod web;
    web.namespace_ = "shop";
    web.name = "web-7d4b9c-x2x9z";
    web.labels = {{"app", "web"}, {"pod-template-hash", "7d4b9c"}};
    web.annotations = {{"kubectl.kubernetes.io/restartedAt", "2026-11-28T10:00:00Z"}};
    web.nodeName = "node-a";
    web.podIPs = {ip("10.200.1.10"), ip("fd00:200:1::10")};
    web.ports = {ContainerPort{"http", 8080, Protocol::TCP}, ContainerPort{"metrics", 9090, Protocol::TCP},
                 ContainerPort{"dns", 5353, Protocol::UDP}};
    web.ownerReferences = {OwnerReference{"ReplicaSet", "web-7d4b9c", true}};
    Pod db;
    db.namespace_ = "shop";
    db.name = "db-0";
    db.labels = {{"app", "db"}, {"statefulset.kubernetes.io/pod-name", "db-0"}};
    db.nodeName = "node-b";
    db.podIPs = {ip("10.200.2.20")};
    db.ports = {ContainerPort{"pg", 5432, Protocol::TCP}};
    db.ownerReferences = {OwnerReference{"StatefulSet", "db", true}};
    Pod agent;
    agent.namespace_ = "default";
    agent.name = "agent-q8r4t";
    agent.labels = {{"app", "agent"}};
    agent.nodeName = "node-a";
    agent.hostNetwork = true;
    agent.podIPs = {ip("192.168.50.2")};
    agent.ownerReferences = {OwnerReference{"DaemonSet", "agent", true}};
    m.pods = {web, db, agent};

    Service kubernetes;
    kubernetes.namespace_ = "default";
    kubernetes.name = "kubernetes";
    kubernetes.labels = {{"component", "apiserver"}, {"provider", "kubernetes"}};
    kubernetes.clusterIPs = {ip("10.96.0.1")};
    kubernetes.ports = {ServicePort{"https", Protocol::TCP, 443, PortRef{std::uint16_t{6443}}, 0}};
    Service lb;
    lb.namespace_ = "shop";
    lb.name = "web";
    lb.labels = {{"app", "web"}};
    lb.annotations = {{"example.com/owner", "team-web"}};
    lb.type = ServiceType::LoadBalancer;
    lb.clusterIPs = {ip("10.96.0.10")};
    lb.loadBalancerIPs = {ip("203.0.113.10")};
    lb.loadBalancerSourceRanges = {cidr("203.0.113.0/24")};
    lb.sessionAffinity = SessionAffinity::ClientIP;
    lb.sessionAffinityTimeoutSeconds = 600;
    lb.externalTrafficPolicy = TrafficPolicy::Local;
    lb.healthCheckNodePort = 32000;
    lb.ports = {ServicePort{"http", Protocol::TCP, 80, PortRef{std::string("http")}, 30080},
                ServicePort{"dns", Protocol::UDP, 53, PortRef{std::uint16_t{5353}}, 30053}};
    Service headless;
    headless.namespace_ = "shop";
    headless.name = "db";
    headless.ports = {ServicePort{"pg", Protocol::TCP, 5432, PortRef{std::uint16_t{5432}}, 0}};
    m.services = {kubernetes, lb, headless};

    EndpointSlice webSlice;
    webSlice.namespace_ = "shop";
    webSlice.name = "web-x7k2p";
    webSlice.service = "web";
    webSlice.ports = {EndpointPort{"http", 8080, Protocol::TCP}, EndpointPort{"dns", 5353, Protocol::UDP}};
    Endpoint w;
    w.addresses = {ip("10.200.1.10")};
    w.nodeName = "node-a";
    w.zone = "zone-a";
    w.hintsForZones = {"zone-a"};
    w.targetRef = ObjectRef{"Pod", "shop", "web-7d4b9c-x2x9z"};
    webSlice.endpoints = {w};
    EndpointSlice dbSlice;
    dbSlice.namespace_ = "shop";
    dbSlice.name = "db-4kq9s";
    dbSlice.service = "db";
    dbSlice.ports = {EndpointPort{"pg", 5432, Protocol::TCP}};
    Endpoint d;
    d.addresses = {ip("10.200.2.20")};
    d.conditions = EndpointConditions{false, true, true};
    d.nodeName = "node-b";
    d.zone = "zone-b";
    d.targetRef = ObjectRef{"Pod", "shop", "db-0"};
    dbSlice.endpoints = {d};
    m.endpointSlices = {webSlice, dbSlice};

    NetworkPolicy policy;
    policy.namespace_ = "shop";
    policy.name = "web-from-frontend";
    policy.annotations = {{"example.com/ticket", "NET-42"}};
    policy.podSelector.matchLabels = {{"app", "web"}};
    policy.policyTypes = {PolicyType::Ingress, PolicyType::Egress};
    PolicyPeer frontends;
    frontends.namespaceSelector = LabelSelector{{{"team", "web"}}, {}};
    frontends.podSelector =
        LabelSelector{{},
                      {SelectorRequirement{"app", SelectorOperator::In, {"frontend", "edge"}},
                       SelectorRequirement{"canary", SelectorOperator::DoesNotExist, {}}}};
    PolicyPeer block;
    block.ipBlock = IpBlock{cidr("192.168.0.0/16"), {cidr("192.168.99.0/24")}};
    PolicyRule fromFrontends;
    fromFrontends.peers = {frontends, block};
    fromFrontends.ports = {PolicyPort{Protocol::TCP, PortRef{std::string("http")}, std::nullopt},
                           PolicyPort{Protocol::TCP, PortRef{std::uint16_t{9090}}, std::uint16_t{9100}}};
    policy.ingress = {fromFrontends, PolicyRule{}};
    PolicyPeer v6;
    v6.ipBlock = IpBlock{cidr("fd00::/8"), {}};
    PolicyRule dns;
    dns.peers = {v6};
    dns.ports = {PolicyPort{Protocol::UDP, PortRef{std::uint16_t{53}}, std::nullopt}};
    policy.egress = {dns};
    m.networkPolicies = {policy};
    return m;
}

// The fixture with one piece of text replaced.
std::string fixtureWith(const std::string& from, const std::string& to) {
    std::string text = readFile(kFixture);
    auto at = text.find(from);
    CHECK_TEXT(at != std::string::npos, from.c_str());
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_GROUP(SnapshotImport){};

TEST(SnapshotImport, AKubectlListBecomesTheExpectedSnapshotFile) {
    TempDir dir;
    const std::string out = dir.file("state.toml");
    Run run = runCli({"snapshot", "import", kFixture, "--node", "node-a", "--write", out});
    STRCMP_EQUAL("", run.err.c_str());
    LONGS_EQUAL(0, run.exitCode);
    STRCMP_EQUAL("", run.out.c_str());
    auto loaded = loadSnapshot(out);  // as the daemon loads it
    STRCMP_EQUAL("", formatInputErrors(loaded.errors).c_str());
    checkSameModel(expectedModel(), loaded.model);
}

TEST(SnapshotImport, StdoutByDefaultAndTheSameBytesAsTheFile) {
    TempDir dir;
    const std::string out = dir.file("state.toml");
    Run toFile = runCli({"snapshot", "import", "--node=node-a", kFixture, "--write=" + out});
    LONGS_EQUAL(0, toFile.exitCode);
    Run toStdout = runCli({"snapshot", "import", kFixture, "--node", "node-a"});
    STRCMP_EQUAL("", toStdout.err.c_str());
    LONGS_EQUAL(0, toStdout.exitCode);
    STRCMP_EQUAL(readFile(out).c_str(), toStdout.out.c_str());
    auto parsed = parseSnapshotText(toStdout.out, "stdout");
    checkSameModel(expectedModel(), parsed.model);
}

TEST(SnapshotImport, NodeIsRequiredUnlessExactlyOneNodeIsGiven) {
    Run run = runCli({"snapshot", "import", kFixture});
    LONGS_EQUAL(1, run.exitCode);
    STRCMP_EQUAL((kFixture + ": the input holds 2 Nodes; name the node this snapshot is for with --node NAME\n"
                  "nodeplanectl: the input was refused; nothing written\n")
                     .c_str(),
                 run.err.c_str());
    STRCMP_EQUAL("", run.out.c_str());

    // One Node: it is the node.
    std::string one = R"({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "solo"},
                          "status": {"addresses": [{"type": "InternalIP", "address": "192.168.7.1"}]}})";
    auto result = ctl::importSnapshot({ctl::ImportInput{"solo.json", one}}, std::nullopt);
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    STRCMP_EQUAL("solo", result.model.node.c_str());
    LONGS_EQUAL(1, result.model.nodes.size());
}

TEST(SnapshotImport, SeveralInputsAreMerged) {
    std::string nodes = R"({"apiVersion": "v1", "kind": "NodeList", "items": [
        {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}]})";
    std::string pods = R"({"apiVersion": "v1", "kind": "PodList", "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "x", "name": "p"},
         "spec": {"nodeName": "n1"}, "status": {"podIPs": [{"ip": "10.1.0.5"}]}}]})";
    auto result = ctl::importSnapshot({{"nodes.json", nodes}, {"pods.json", pods}}, std::nullopt);
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    LONGS_EQUAL(1, result.model.pods.size());
    STRCMP_EQUAL("n1", result.model.pods[0].nodeName.c_str());
    STRCMP_EQUAL("n1", result.model.node.c_str());
}

TEST(SnapshotImport, ABadFieldIsRefusedWithItsPathAndNothingIsWritten) {
    TempDir dir;
    const std::string in = dir.file("bad.json");
    std::ofstream(in) << fixtureWith(R"({"containerPort": 9090, "name": "metrics")",
                                     R"({"containerPort": 90900, "name": "metrics")");
    const std::string out = dir.file("state.toml");
    std::ofstream(out) << "old\n";
    Run run = runCli({"snapshot", "import", in, "--node", "node-a", "--write", out});
    LONGS_EQUAL(1, run.exitCode);
    STRCMP_EQUAL((in + ": Pod shop/web-7d4b9c-x2x9z: key 'items[4].spec.containers[0].ports[1].containerPort': "
                       "90900 is out of range 1-65535\n"
                       "nodeplanectl: the input was refused; nothing written\n")
                     .c_str(),
                 run.err.c_str());
    STRCMP_EQUAL("old\n", readFile(out).c_str());
    LONGS_EQUAL(2, std::distance(fs::directory_iterator(fs::path(out).parent_path()), fs::directory_iterator{}));
}

TEST(SnapshotImport, WhatTheDaemonWouldRefuseIsRefusedWithItsMessage) {
    // A slice naming a pod that is not in the input: a dangling reference.
    std::string text = fixtureWith(R"("name": "db-0", "namespace": "shop"})", R"("name": "db-1", "namespace": "shop"})");
    auto result = ctl::importSnapshot({ctl::ImportInput{"cluster.json", text}}, std::string("node-a"));
    CHECK_FALSE(result.ok());
    STRCMP_EQUAL("", result.snapshot.c_str());
    LONGS_EQUAL(1, result.errors.size());
    // The daemon's own error for that snapshot, placed at the input.
    STRCMP_EQUAL("cluster.json", result.errors[0].file.c_str());
    STRCMP_EQUAL("EndpointSlice shop/db-4kq9s", result.errors[0].object.c_str());
    STRCMP_EQUAL("endpoints[0].targetRef", result.errors[0].key.c_str());
    STRCMP_EQUAL("cluster.json: EndpointSlice shop/db-4kq9s: key 'endpoints[0].targetRef': Pod shop/db-1 is not one "
                 "of [[pods]]",
                 result.errors[0].toString().c_str());

    // A node that is not in the input.
    auto noNode = ctl::importSnapshot({ctl::ImportInput{"cluster.json", readFile(kFixture)}}, std::string("node-z"));
    CHECK_FALSE(noNode.ok());
    STRCMP_EQUAL("cluster.json: key 'node': 'node-z' is not the name of any [[nodes]] entry",
                 formatInputErrors(noNode.errors).c_str());
}

TEST(SnapshotImport, UsageErrors) {
    Run noSub = runCli({"snapshot"});
    LONGS_EQUAL(2, noSub.exitCode);
    Run unknown = runCli({"snapshot", "export"});
    LONGS_EQUAL(2, unknown.exitCode);
    CHECK(unknown.err.find("unknown snapshot subcommand 'export'") != std::string::npos);
    Run badOption = runCli({"snapshot", "import", "--nod", "x"});
    LONGS_EQUAL(2, badOption.exitCode);
    CHECK(badOption.err.find("unknown option '--nod'") != std::string::npos);
    Run noValue = runCli({"snapshot", "import", kFixture, "--node"});
    LONGS_EQUAL(2, noValue.exitCode);
    CHECK(noValue.err.find("option --node needs a value") != std::string::npos);
    Run missing = runCli({"snapshot", "import", "/nonexistent/x.json", "--node", "a"});
    LONGS_EQUAL(1, missing.exitCode);
    STRCMP_EQUAL("nodeplanectl: cannot read '/nonexistent/x.json'\n", missing.err.c_str());
}
