// KernelRouteTable against the kernel in the scratch namespace, cross-checked
// with `ip route`.
#include <CppUTest/TestHarness.h>
#include <net/if.h>

#include <algorithm>

#include "netlink/route_plan.h"
#include "netlink/route_table.h"
#include "scratch_netns.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using namespace nodeplane::netlink::test;

namespace {

IpAddress address(const char* text) { return *IpAddress::parse(text); }

int kernelIndex(const char* name) { return static_cast<int>(::if_nametoindex(name)); }

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_GROUP(KernelRouteTable) {
    std::unique_ptr<ScratchNetns> scratch;

    void setup() override {
        scratch = ScratchNetns::enter();
        for (const char* name : {"np-rt0", "np-rt1"}) {
            // veth rather than dummy: not every kernel we test on has the dummy driver.
            scratch->ipOrFail(std::string("link add ") + name + " type veth peer name " + name + "p");
            scratch->ipOrFail(std::string("link set ") + name + " up");
            scratch->ipOrFail(std::string("link set ") + name + "p up");
        }
        scratch->ipOrFail("addr add 192.0.2.1/24 dev np-rt0");
        scratch->ipOrFail("-6 addr add 2001:db8::1/64 dev np-rt0 nodad");
    }
    void teardown() override { scratch.reset(); }

    KernelRouteTable open() {
        auto table = KernelRouteTable::open();
        CHECK_TEXT(table.ok(), table.ok() ? "" : table.error().message.c_str());
        return std::move(table).value();
    }

    std::vector<Route> listed(KernelRouteTable & table) {
        auto routes = table.listOwned();
        CHECK_TEXT(routes.ok(), routes.ok() ? "" : routes.error().message.c_str());
        return std::move(routes).value();
    }

    void require(const Status& status) { CHECK_TEXT(status.ok(), status.ok() ? "" : status.error().message.c_str()); }
};

TEST(KernelRouteTable, ReplaceListRemoveRoundTripInBothFamilies) {
    KernelRouteTable table = open();
    CHECK_TRUE(listed(table).empty());
    int rt0 = kernelIndex("np-rt0");

    std::vector<Route> desired{
        Route::toPod(address("10.244.1.5"), rt0),
        Route::toPod(address("fd00:10:244::5"), rt0),
        Route::via(*IpPrefix::parse("10.244.2.0/24"), address("192.0.2.2")),
        Route::via(*IpPrefix::parse("fd00:10:244:2::/64"), address("2001:db8::2")),
    };
    for (const Route& route : desired) require(table.replace(route));

    // An independent reader sees them under our protocol number.
    std::string v4 = scratch->ipOutput("route show proto 167");
    CHECK_TEXT(contains(v4, "10.244.1.5 dev np-rt0 scope link"), v4.c_str());
    CHECK_TEXT(contains(v4, "10.244.2.0/24 via 192.0.2.2 dev np-rt0"), v4.c_str());
    std::string v6 = scratch->ipOutput("-6 route show proto 167");
    CHECK_TEXT(contains(v6, "fd00:10:244::5 dev np-rt0"), v6.c_str());
    CHECK_TEXT(contains(v6, "fd00:10:244:2::/64 via 2001:db8::2 dev np-rt0"), v6.c_str());

    auto owned = listed(table);
    LONGS_EQUAL(4, owned.size());
    auto pod4 = std::find_if(owned.begin(), owned.end(),
                             [](const Route& r) { return r.destination.toString() == "10.244.1.5/32"; });
    CHECK_TRUE(pod4 != owned.end());
    CHECK(*pod4 == desired[0]);  // field for field, scope link included
    // The kernel's view of every route is what we asked for, IPv6 quirks and all.
    auto plan = planRoutes(desired, owned);
    std::string planText;
    for (const Route& r : plan.replace) planText += "replace " + describe(r) + "; ";
    for (const Route& r : plan.remove) planText += "remove " + describe(r) + "; ";
    CHECK_TEXT(plan.empty(), planText.c_str());

    for (const Route& route : owned) require(table.remove(route));
    CHECK_TRUE(listed(table).empty());
    CHECK_FALSE(contains(scratch->ipOutput("route show proto 167"), "10.244"));
    // Removing what is gone is fine.
    require(table.remove(desired[0]));
    require(table.remove(desired[1]));
}

TEST(KernelRouteTable, OthersRoutesAreNeitherListedNorRemoved) {
    KernelRouteTable table = open();
    int rt0 = kernelIndex("np-rt0");
    scratch->ipOrFail("route add 10.9.0.0/24 dev np-rt0");                 // proto boot
    scratch->ipOrFail("route add 10.244.1.9/32 dev np-rt0 proto static");  // a pod IP, but not ours

    CHECK_TRUE(listed(table).empty());  // connected and operator routes are not ours
    require(table.remove(Route::toPod(address("10.244.1.9"), rt0)));
    CHECK_TRUE(contains(scratch->ipOutput("route show 10.244.1.9"), "10.244.1.9 dev np-rt0"));
    CHECK_TRUE(contains(scratch->ipOutput("route show 10.9.0.0/24"), "10.9.0.0/24 dev np-rt0"));
}

TEST(KernelRouteTable, ReplaceMovesARouteInsteadOfAddingASecond) {
    KernelRouteTable table = open();
    int rt0 = kernelIndex("np-rt0");
    int rt1 = kernelIndex("np-rt1");
    for (const char* pod : {"10.244.1.5", "fd00:10:244::5"}) {
        require(table.replace(Route::toPod(address(pod), rt0)));
        require(table.replace(Route::toPod(address(pod), rt1)));
    }
    auto owned = listed(table);
    LONGS_EQUAL(2, owned.size());
    for (const Route& route : owned) LONGS_EQUAL(rt1, *route.oif);
}

TEST(KernelRouteTable, ErrorsSayWhatFailedAndTheKernelsReason) {
    KernelRouteTable table = open();
    scratch->ipOrFail("link add np-rt2 type veth peer name np-rt2p");  // left down
    auto status = table.replace(Route::toPod(address("10.244.1.7"), kernelIndex("np-rt2")));
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(ENETDOWN, status.error().errnum);
    const std::string& message = status.error().message;
    CHECK_TEXT(contains(message, "Failed to replace route 10.244.1.7/32 dev "), message.c_str());
    // The kernel's own words follow in parentheses (their wording varies by version).
    CHECK_TEXT(contains(message, ": Network is down ("), message.c_str());
    CHECK_TEXT(message.back() == ')', message.c_str());

    auto missing = table.replace(Route::toPod(address("10.244.1.8"), 999999));
    CHECK_FALSE(missing.ok());
    LONGS_EQUAL(ENODEV, missing.error().errnum);

    // The socket is still in step after failures.
    require(table.replace(Route::toPod(address("10.244.1.5"), kernelIndex("np-rt0"))));
    LONGS_EQUAL(1, listed(table).size());
}

TEST(KernelRouteTable, RoutesOfAnotherProtocolOrTableAreRefused) {
    KernelRouteTable table = open();
    Route foreign = Route::toPod(address("10.244.1.5"), kernelIndex("np-rt0"));
    foreign.protocol = RTPROT_STATIC;
    auto status = table.replace(foreign);
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(0, status.error().errnum);
    Route otherTable = Route::toPod(address("10.244.1.5"), kernelIndex("np-rt0"));
    otherTable.table = 100;
    CHECK_FALSE(table.replace(otherTable).ok());
    CHECK_FALSE(table.remove(otherTable).ok());
    CHECK_FALSE(contains(scratch->ipOutput("route show table all"), "10.244.1.5"));
}

TEST(KernelRouteTable, AGatewayOnNoConnectedNetworkIsRefusedAsUnreachable) {
    // What the reconciler reports when another node's address is not on a
    // network this node shares with it.
    KernelRouteTable table = open();
    Route toNode = Route::via(*IpPrefix::parse("10.244.9.0/24"), address("198.51.100.9"));
    auto status = table.replace(toNode);
    CHECK_FALSE(status.ok());
    LONGS_EQUAL(ENETUNREACH, status.error().errnum);
    CHECK_TEXT(contains(status.error().message, "Failed to replace route 10.244.9.0/24 via 198.51.100.9"),
               status.error().message.c_str());
    CHECK_TRUE(listed(table).empty());

    // Once the node is on that network, the same request is accepted, and
    // the kernel lists the device it resolved the gateway through.
    scratch->ipOrFail("addr add 198.51.100.1/24 dev np-rt1");
    require(table.replace(toNode));
    auto owned = listed(table);
    LONGS_EQUAL(1, owned.size());
    LONGS_EQUAL(kernelIndex("np-rt1"), *owned[0].oif);
    CHECK_TRUE(satisfies(owned[0], toNode));
}
