// EndpointDirectory: addresses to pods, nodes or "other", and the
// namespaces that ask for deny logging.
#include <CppUTest/TestHarness.h>

#include <chrono>

#include "observe/endpoint_directory.h"
#include "observe_test_model.h"

using namespace nodeplane;
using namespace nodeplane::observe;
using nodeplane::observe::test::clusterModel;
using nodeplane::observe::test::ip;

namespace {

void checkPod(const Peer& peer, const char* ns, const char* name, const char* workloadKind, const char* workloadName,
              const char* node) {
    CHECK(peer.kind == Peer::Kind::Pod);
    STRCMP_EQUAL(ns, peer.podNamespace.c_str());
    STRCMP_EQUAL(name, peer.podName.c_str());
    STRCMP_EQUAL(workloadKind, peer.workloadKind.c_str());
    STRCMP_EQUAL(workloadName, peer.workloadName.c_str());
    STRCMP_EQUAL(node, peer.nodeName.c_str());
}

void checkNode(const Peer& peer, const char* node) {
    CHECK(peer.kind == Peer::Kind::Node);
    STRCMP_EQUAL(node, peer.nodeName.c_str());
    STRCMP_EQUAL("Node", peer.workloadKind.c_str());
    CHECK(peer.podName.empty());
    CHECK(peer.podNamespace.empty());
}

}  // namespace

TEST_GROUP(EndpointDirectory) {
    state::Model model = clusterModel();
};

TEST(EndpointDirectory, PodsByEveryAddress) {
    EndpointDirectory directory(model);
    Peer v4 = directory.peerOf(ip("10.200.1.10"));
    checkPod(v4, "shop", "web-7d4b9c-x2x9z", "Deployment", "web", "node-a");
    CHECK(v4.address == ip("10.200.1.10"));
    Peer v6 = directory.peerOf(ip("fd00:200::10"));
    checkPod(v6, "shop", "web-7d4b9c-x2x9z", "Deployment", "web", "node-a");
    CHECK(v6.address == ip("fd00:200::10"));
    checkPod(directory.peerOf(ip("10.200.2.20")), "shop", "frontend-0", "StatefulSet", "frontend", "node-b");
    checkPod(directory.peerOf(ip("10.200.2.30")), "tools", "debug", "", "", "node-b");
}

TEST(EndpointDirectory, NodesByTheirAddresses) {
    EndpointDirectory directory(model);
    checkNode(directory.peerOf(ip("192.168.50.3")), "node-b");
    checkNode(directory.peerOf(ip("fd00::2")), "node-a");
}

TEST(EndpointDirectory, HostNetworkPodNamesItsNodeNotItself) {
    EndpointDirectory directory(model);
    // agent-a's address is node-a's own.
    checkNode(directory.peerOf(ip("192.168.50.2")), "node-a");
    // agent-b's address is not among node-b's listed ones: still node-b.
    checkNode(directory.peerOf(ip("192.168.50.9")), "node-b");
}

TEST(EndpointDirectory, UnknownAddressIsOther) {
    EndpointDirectory directory(model);
    Peer peer = directory.peerOf(ip("8.8.8.8"));
    CHECK(peer.kind == Peer::Kind::Other);
    CHECK(peer.address == ip("8.8.8.8"));
    CHECK(peer.podName.empty());
    CHECK(peer.nodeName.empty());
    CHECK(peer.workloadKind.empty());
    // The same bytes in the other family are another address.
    CHECK(directory.peerOf(ip("ac8:10a::")).kind == Peer::Kind::Other);
}

TEST(EndpointDirectory, DenyLoggingByNamespaceAnnotation) {
    EndpointDirectory directory(model);
    CHECK(directory.denyLoggingEnabled("shop"));
    CHECK_FALSE(directory.denyLoggingEnabled("quiet"));  // "false"
    CHECK_FALSE(directory.denyLoggingEnabled("tools"));  // no annotation
    CHECK_FALSE(directory.denyLoggingEnabled("nowhere"));
}

TEST(EndpointDirectory, AnAddressThatIsANodesAndAPodsIsTheNodes) {
    state::Pod pod;
    pod.namespace_ = "shop";
    pod.name = "odd";
    pod.podIPs = {ip("192.168.50.3")};
    model.pods.push_back(pod);
    EndpointDirectory directory(model);
    checkNode(directory.peerOf(ip("192.168.50.3")), "node-b");
}

TEST(EndpointDirectory, TenThousandPodsBuildQuickly) {
    state::Model big;
    big.node = "node-a";
    big.nodes.push_back(state::Node{.name = "node-a", .addresses = {ip("192.168.50.2")}});
    for (std::uint32_t i = 0; i < 10000; ++i) {
        state::Pod pod;
        pod.namespace_ = "ns-" + std::to_string(i % 100);
        pod.name = "web-5c8f7b-" + std::to_string(i);
        pod.nodeName = "node-a";
        pod.labels = {{"app", "web"}, {"pod-template-hash", "5c8f7b"}};
        pod.ownerReferences = {{"ReplicaSet", "web-5c8f7b", true}};
        pod.podIPs = {IpAddress::v4((10u << 24) | (1u << 16) | i)};
        big.pods.push_back(std::move(pod));
    }
    auto start = std::chrono::steady_clock::now();
    EndpointDirectory directory(big);
    auto elapsed = std::chrono::steady_clock::now() - start;
    LONGS_EQUAL(10001, directory.size());
    checkPod(directory.peerOf(IpAddress::v4((10u << 24) | (1u << 16) | 9999)), "ns-99", "web-5c8f7b-9999", "Deployment",
             "web", "node-a");
    // Rebuilt on every applied state: tens of milliseconds at most on a
    // loaded machine; a second would mean something quadratic.
    CHECK_TEXT(elapsed < std::chrono::seconds(1), "building the directory for 10,000 pods took over a second");
}
