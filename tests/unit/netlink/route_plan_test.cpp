#include <CppUTest/TestHarness.h>

#include "netlink/route_plan.h"

using namespace nodeplane;
using namespace nodeplane::netlink;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

// A route as the kernel lists an IPv6 route we installed with scope link and
// no metric: scope universe, metric 1024.
Route listedV6(const char* pod, int oif) {
    Route route = Route::toPod(ip(pod), oif);
    route.scope = RouteScope::Universe;
    route.priority = 1024;
    return route;
}

}  // namespace

TEST_GROUP(RoutePlan) {};

TEST(RoutePlan, KernelDefaultsMakeListedRoutesMatchTheirRequests) {
    LONGS_EQUAL(0, effectivePriority(Route::toPod(ip("10.244.1.5"), 7)));
    LONGS_EQUAL(1024, effectivePriority(Route::toPod(ip("fd00::5"), 7)));
    CHECK_TRUE(satisfies(listedV6("fd00::5", 7), Route::toPod(ip("fd00::5"), 7)));
    // IPv4 keeps scopes: a universe route is not the link route asked for.
    Route universe = Route::toPod(ip("10.244.1.5"), 7);
    universe.scope = RouteScope::Universe;
    CHECK_FALSE(satisfies(universe, Route::toPod(ip("10.244.1.5"), 7)));
}

TEST(RoutePlan, TheDeviceTheKernelResolvedForAGatewayIsAccepted) {
    Route wanted = Route::via(*IpPrefix::parse("10.244.2.0/24"), ip("192.168.1.12"));
    Route listed = wanted;
    listed.oif = 2;
    CHECK_TRUE(satisfies(listed, wanted));
    Route pinned = wanted;
    pinned.oif = 3;  // asked for a device: it must be that one
    CHECK_FALSE(satisfies(listed, pinned));
    Route direct = listed;
    direct.gateway.reset();
    CHECK_FALSE(satisfies(direct, wanted));
}

TEST(RoutePlan, NothingToDoWhenTheTableMatches) {
    std::vector<Route> desired{Route::toPod(ip("10.244.1.5"), 7), Route::toPod(ip("fd00::5"), 7)};
    std::vector<Route> actual{Route::toPod(ip("10.244.1.5"), 7), listedV6("fd00::5", 7)};
    CHECK_TRUE(planRoutes(desired, actual).empty());
}

TEST(RoutePlan, MissingAndChangedRoutesAreReplacedStaleOnesRemoved) {
    std::vector<Route> desired{Route::toPod(ip("10.244.1.5"), 7), Route::toPod(ip("10.244.1.6"), 9)};
    std::vector<Route> actual{Route::toPod(ip("10.244.1.6"), 8),   // pod moved to a new host end
                              Route::toPod(ip("10.244.1.99"), 3)};  // pod gone
    auto plan = planRoutes(desired, actual);
    LONGS_EQUAL(2, plan.replace.size());
    CHECK(plan.replace[0] == desired[0]);
    CHECK(plan.replace[1] == desired[1]);
    LONGS_EQUAL(1, plan.remove.size());
    CHECK(plan.remove[0] == actual[1]);
}

TEST(RoutePlan, ADifferentMetricIsAnotherKeySoTheOldRouteIsRemoved) {
    Route wanted = Route::via(*IpPrefix::parse("fd00:10:244:2::/64"), ip("fd00::12"));
    wanted.priority = 100;
    Route listed = Route::via(*IpPrefix::parse("fd00:10:244:2::/64"), ip("fd00::12"));
    listed.priority = 1024;
    auto plan = planRoutes({wanted}, {listed});
    LONGS_EQUAL(1, plan.replace.size());
    LONGS_EQUAL(1, plan.remove.size());
    CHECK(plan.remove[0] == listed);
}

TEST(RoutePlan, ExtraRoutesUnderOneKeyAreTrimmedOnceOneIsRight) {
    Route right = listedV6("fd00::5", 7);
    Route extra = listedV6("fd00::5", 8);
    auto plan = planRoutes({Route::toPod(ip("fd00::5"), 7)}, {right, extra});
    CHECK_TRUE(plan.replace.empty());
    LONGS_EQUAL(1, plan.remove.size());
    CHECK(plan.remove[0] == extra);
}

TEST(RoutePlan, WhenNoneUnderAKeyIsRightOnlyTheReplaceHappens) {
    auto plan = planRoutes({Route::toPod(ip("fd00::5"), 7)}, {listedV6("fd00::5", 8), listedV6("fd00::5", 9)});
    LONGS_EQUAL(1, plan.replace.size());
    CHECK_TRUE(plan.remove.empty());
}

TEST(RoutePlan, EverythingGoesWhenNothingIsDesired) {
    std::vector<Route> actual{Route::toPod(ip("10.244.1.5"), 7), listedV6("fd00::5", 7)};
    auto plan = planRoutes({}, actual);
    CHECK_TRUE(plan.replace.empty());
    LONGS_EQUAL(2, plan.remove.size());
}
