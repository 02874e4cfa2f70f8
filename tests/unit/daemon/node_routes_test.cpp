// The reconciler's routes to other nodes' podCIDRs, against the in-memory
// route table: installed beside the pod routes, moved before anything is
// removed, removed when the node leaves, and a refused one reported without
// holding up the rest.
#include <cerrno>
#include <memory>

#include <CppUTest/TestHarness.h>

#include "daemon/reconciler.h"
#include "fake_host.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::testing;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }
IpPrefix cidr(const char* text) { return *IpPrefix::parse(text); }

compiler::NodeRoute toNode(const char* node, const char* podCidr, const char* gateway) {
    return compiler::NodeRoute{cidr(podCidr), ip(gateway), node};
}

// One local pod on np-a, plus the given routes to other nodes.
compiler::DesiredNode desiredWith(std::vector<compiler::NodeRoute> nodeRoutes) {
    compiler::DesiredNode d;
    d.nodeName = "node-a";
    d.localEndpoints = {{ip("10.244.1.10"), "np-a", "x/a", 1}};
    d.podInterfaces = {"np-a"};
    d.nodeRoutes = std::move(nodeRoutes);
    return d;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_GROUP(NodeRoutes) {
    FakeLinks links;
    FakeEndpoints endpoints;
    FakeRoutes routes;
    FakePrograms programs;
    std::unique_ptr<Reconciler> reconciler;

    void setup() override {
        links.byName = {{"eth0", 2}, {"np-a", 10}};
        reconciler = std::make_unique<Reconciler>(HostPorts{links, endpoints, routes, programs},
                                                  std::vector<std::string>{"eth0"});
    }
};

TEST(NodeRoutes, EachOtherNodesPodCidrIsRoutedViaItsAddressBesideThePodRoutes) {
    auto report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3"),
                                                 toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    LONGS_EQUAL(3, report.routesWritten);
    LONGS_EQUAL(3, routes.routes.size());
    CHECK(routes.has("10.244.1.10", 10));
    CHECK(routes.hasVia("10.244.2.0/24", "192.168.70.3"));
    CHECK(routes.hasVia("10.244.3.0/24", "192.168.70.4"));
    const netlink::Route& toB = routes.routes.at(cidr("10.244.2.0/24"));
    LONGS_EQUAL(netlink::kRouteProtocol, toB.protocol);  // ours, so listed and reconciled after a restart
    CHECK_FALSE(toB.oif.has_value());                    // the kernel picks the device through the gateway
    CHECK(report.failures.empty());
}

TEST(NodeRoutes, ASecondPassWritesNothing) {
    auto desired = desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3")});
    (void)reconciler->apply(desired);
    routes.operations.clear();
    auto report = reconciler->apply(desired);
    CHECK_FALSE(report.changedAnything());
    LONGS_EQUAL(0, routes.operations.size());
}

TEST(NodeRoutes, ARouteAsTheKernelListsItIsAdoptedNotRewritten) {
    // The kernel lists the device it resolved through the gateway.
    netlink::Route listed = netlink::Route::via(cidr("10.244.2.0/24"), ip("192.168.70.3"));
    listed.oif = 2;
    routes.routes[listed.destination] = listed;
    auto report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3")}));
    LONGS_EQUAL(1, report.routesWritten);  // the pod route only
    LONGS_EQUAL(0, report.routesRemoved);
    CHECK(routes.routes.at(cidr("10.244.2.0/24")) == listed);
}

TEST(NodeRoutes, ANodeThatLeavesTheStateLosesItsRouteAndOnlyThat) {
    (void)reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3"),
                                         toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    auto report = reconciler->apply(desiredWith({toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    LONGS_EQUAL(1, report.routesRemoved);
    LONGS_EQUAL(0, report.routesWritten);
    CHECK_FALSE(routes.routes.contains(cidr("10.244.2.0/24")));
    CHECK(routes.hasVia("10.244.3.0/24", "192.168.70.4"));
    CHECK(routes.has("10.244.1.10", 10));
}

TEST(NodeRoutes, ANewAddressMovesTheRouteInPlace) {
    (void)reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3")}));
    routes.operations.clear();
    auto report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.33")}));
    LONGS_EQUAL(1, report.routesWritten);
    LONGS_EQUAL(0, report.routesRemoved);  // one key: the replace overwrites, nothing to remove
    LONGS_EQUAL(1, routes.operations.size());
    CHECK(routes.hasVia("10.244.2.0/24", "192.168.70.33"));
}

TEST(NodeRoutes, ReplacementsComeBeforeRemovals) {
    (void)reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3")}));
    routes.operations.clear();
    // node-b leaves while node-c joins: traffic to node-c is routed before
    // anything of node-b goes.
    (void)reconciler->apply(desiredWith({toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    LONGS_EQUAL(2, routes.operations.size());
    STRCMP_EQUAL("replace 10.244.3.0/24", routes.operations[0].c_str());
    STRCMP_EQUAL("remove 10.244.2.0/24", routes.operations[1].c_str());
}

TEST(NodeRoutes, AnUnreachableGatewayIsReportedAndTheRestIsInstalled) {
    routes.refusing[cidr("10.244.2.0/24")] = ENETUNREACH;
    auto report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "172.16.9.9"),
                                                 toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    LONGS_EQUAL(2, report.routesWritten);  // the pod route and node-c's
    CHECK(routes.has("10.244.1.10", 10));
    CHECK(routes.hasVia("10.244.3.0/24", "192.168.70.4"));
    CHECK_FALSE(routes.routes.contains(cidr("10.244.2.0/24")));
    LONGS_EQUAL(1, report.unreachableNodes.size());
    STRCMP_EQUAL("node-b", report.unreachableNodes[0].c_str());
    LONGS_EQUAL(1, report.failures.size());
    const std::string& failure = report.failures[0];
    CHECK_TEXT(contains(failure, "Failed to route podCIDR 10.244.2.0/24 of node 'node-b' via 172.16.9.9: "
                                 "the gateway is on no network this node is directly connected to"),
               failure.c_str());
    CHECK_TEXT(contains(failure, "Network is unreachable"), failure.c_str());

    // Retried on the next pass: once the node shares a network, it is routed.
    routes.refusing.clear();
    report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "172.16.9.9"),
                                            toNode("node-c", "10.244.3.0/24", "192.168.70.4")}));
    CHECK(report.failures.empty());
    CHECK(report.unreachableNodes.empty());
    LONGS_EQUAL(1, report.routesWritten);
    CHECK(routes.hasVia("10.244.2.0/24", "172.16.9.9"));
}

TEST(NodeRoutes, OtherRefusalsNameTheNodeButAreNotCalledUnreachable) {
    routes.refusing[cidr("10.244.2.0/24")] = EINVAL;
    auto report = reconciler->apply(desiredWith({toNode("node-b", "10.244.2.0/24", "192.168.70.3")}));
    CHECK(report.unreachableNodes.empty());
    LONGS_EQUAL(1, report.failures.size());
    const std::string& failure = report.failures[0];
    CHECK_TEXT(contains(failure, "Failed to route podCIDR 10.244.2.0/24 of node 'node-b' via 192.168.70.3 ("),
               failure.c_str());
    CHECK_TEXT(contains(failure, "Invalid argument"), failure.c_str());
    CHECK(routes.has("10.244.1.10", 10));
}

TEST(NodeRoutes, BeforeAFirstStateAPreviousDaemonsNodeRoutesStay) {
    routes.routes[cidr("10.244.2.0/24")] = netlink::Route::via(cidr("10.244.2.0/24"), ip("192.168.70.3"));
    (void)reconciler->attachExternalOnly();
    CHECK(routes.hasVia("10.244.2.0/24", "192.168.70.3"));
    LONGS_EQUAL(0, routes.operations.size());
}
