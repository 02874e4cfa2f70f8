#include <memory>

#include <CppUTest/TestHarness.h>

#include "daemon/reconciler.h"
#include "fake_host.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::testing;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

compiler::DesiredNode desiredWith(std::vector<compiler::LocalEndpoint> eps) {
    compiler::DesiredNode d;
    d.nodeName = "node-a";
    std::set<std::string> ifs;
    for (const auto& e : eps) ifs.insert(e.interface);
    d.localEndpoints = std::move(eps);
    d.podInterfaces.assign(ifs.begin(), ifs.end());
    return d;
}

}  // namespace

TEST_GROUP(Reconciler) {
    FakeLinks links;
    FakeEndpoints endpoints;
    FakeRoutes routes;
    FakePrograms programs;
    std::unique_ptr<Reconciler> reconciler;

    void setup() override {
        links.byName = {{"eth0", 2}, {"np-a", 10}, {"np-b", 11}};
        reconciler = std::make_unique<Reconciler>(HostPorts{links, endpoints, routes, programs},
                                                  std::vector<std::string>{"eth0"});
    }
};

TEST(Reconciler, ProgramsEndpointsAndRoutesForPresentInterfaces) {
    auto report = reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1},
                                                 {ip("10.0.0.2"), "np-b", "x/b", 2},
                                                 {ip("10.0.0.3"), "np-late", "x/c", 3}}));
    LONGS_EQUAL(3, report.attached);  // eth0, np-a, np-b
    CHECK(programs.attached.at(2) == InterfaceRole::External);
    CHECK(programs.attached.at(10) == InterfaceRole::Pod);
    LONGS_EQUAL(2, endpoints.entries.size());
    CHECK(endpoints.entries.at(ip("10.0.0.2")) == (datapath::LocalEndpoint{.ifindex = 11, .endpointId = 2}));
    LONGS_EQUAL(2, routes.routes.size());
    CHECK(routes.has("10.0.0.1", 10));
    LONGS_EQUAL(1, report.pendingInterfaces.size());
    STRCMP_EQUAL("np-late", report.pendingInterfaces[0].c_str());
}

TEST(Reconciler, SecondPassWithNoChangeWritesNothing) {
    auto desired = desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}});
    (void)reconciler->apply(desired);
    int writes = endpoints.writes, routeWrites = routes.writes;
    auto calls = programs.attachCalls.size();
    auto report = reconciler->apply(desired);
    CHECK_FALSE(report.changedAnything());
    LONGS_EQUAL(writes, endpoints.writes);
    LONGS_EQUAL(routeWrites, routes.writes);
    LONGS_EQUAL(calls, programs.attachCalls.size());
}

TEST(Reconciler, AdoptsAPreviousDaemonsStateWritingOnlyTheDifference) {
    // What a previous daemon left pinned and routed.
    endpoints.entries[ip("10.0.0.1")] = datapath::LocalEndpoint{.ifindex = 10, .endpointId = 1};
    endpoints.entries[ip("10.0.0.9")] = datapath::LocalEndpoint{.ifindex = 10, .endpointId = 9};  // pod gone since
    routes.routes[IpPrefix{ip("10.0.0.1"), 32}] = netlink::Route::toPod(ip("10.0.0.1"), 10);
    routes.routes[IpPrefix{ip("10.0.0.9"), 32}] = netlink::Route::toPod(ip("10.0.0.9"), 10);
    auto report = reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}}));
    LONGS_EQUAL(0, endpoints.writes);
    LONGS_EQUAL(1, report.endpointsRemoved);
    LONGS_EQUAL(0, routes.writes);
    LONGS_EQUAL(1, report.routesRemoved);
    LONGS_EQUAL(1, endpoints.entries.size());
    // Programs are still (re)attached: a new daemon replaces the old programs in place.
    CHECK(programs.attached.contains(10));
}

TEST(Reconciler, LateInterfaceIsProgrammedOnTheNextPass) {
    auto desired = desiredWith({{ip("10.0.0.3"), "np-late", "x/c", 3}});
    (void)reconciler->apply(desired);
    CHECK(endpoints.entries.empty());
    links.byName["np-late"] = 42;
    auto report = reconciler->apply(desired);
    CHECK(report.pendingInterfaces.empty());
    CHECK(programs.attached.contains(42));
    CHECK(endpoints.entries.at(ip("10.0.0.3")) == (datapath::LocalEndpoint{.ifindex = 42, .endpointId = 3}));
    CHECK(routes.has("10.0.0.3", 42));
}

TEST(Reconciler, RecreatedInterfaceGetsItsNewIfindexEverywhere) {
    auto desired = desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}});
    (void)reconciler->apply(desired);
    reconciler->linkRemoved(10);
    links.byName["np-a"] = 77;  // deleted and created again
    (void)reconciler->apply(desired);
    CHECK(programs.attached.contains(77));
    CHECK(endpoints.entries.at(ip("10.0.0.1")) == (datapath::LocalEndpoint{.ifindex = 77, .endpointId = 1}));
    CHECK(routes.has("10.0.0.1", 77));
    LONGS_EQUAL(1, routes.routes.size());
}

TEST(Reconciler, RemovedPodIsDetachedAndForgotten) {
    (void)reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}, {ip("10.0.0.2"), "np-b", "x/b", 2}}));
    auto report = reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}}));
    LONGS_EQUAL(1, report.detached);
    CHECK_FALSE(programs.attached.contains(11));
    CHECK_FALSE(endpoints.entries.contains(ip("10.0.0.2")));
    CHECK_FALSE(routes.has("10.0.0.2", 11));
    CHECK(programs.attached.contains(2));  // the external interface stays
}

TEST(Reconciler, FailedAttachIsRetriedOnTheNextPass) {
    programs.failing.insert(10);
    auto report = reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}}));
    LONGS_EQUAL(1, report.failures.size());
    CHECK_FALSE(programs.attached.contains(10));
    programs.failing.clear();
    report = reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}}));
    CHECK(report.failures.empty());
    CHECK(programs.attached.contains(10));
}

TEST(Reconciler, BeforeAFirstStateOnlyExternalInterfacesAreAttached) {
    // What a previous daemon left: its last good state, still forwarding.
    endpoints.entries[ip("10.0.0.1")] = datapath::LocalEndpoint{.ifindex = 10, .endpointId = 1};
    routes.routes[IpPrefix{ip("10.0.0.1"), 32}] = netlink::Route::toPod(ip("10.0.0.1"), 10);
    auto report = reconciler->attachExternalOnly();
    LONGS_EQUAL(1, report.attached);
    CHECK(programs.attached.at(2) == InterfaceRole::External);
    LONGS_EQUAL(1, endpoints.entries.size());
    LONGS_EQUAL(0, endpoints.erases);
    CHECK(routes.has("10.0.0.1", 10));
    // The first real pass does not attach eth0 again.
    auto calls = programs.attachCalls.size();
    (void)reconciler->apply(desiredWith({{ip("10.0.0.1"), "np-a", "x/a", 1}}));
    LONGS_EQUAL(calls + 1, programs.attachCalls.size());  // np-a only
}
