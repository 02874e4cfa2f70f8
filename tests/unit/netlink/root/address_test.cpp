// Interface addresses and the default route's interface, read from the
// kernel in the scratch namespace after iproute2 configured them.
#include <CppUTest/TestHarness.h>
#include <net/if.h>

#include "netlink/address.h"
#include "netlink/route_table.h"
#include "scratch_netns.h"

using namespace nodeplane;
using namespace nodeplane::netlink;
using namespace nodeplane::netlink::test;

namespace {
int kernelIndex(const char* name) { return static_cast<int>(::if_nametoindex(name)); }
}  // namespace

TEST_GROUP(Addresses) {
    std::unique_ptr<ScratchNetns> scratch;
    std::optional<NetlinkSocket> socket;

    void setup() override {
        scratch = ScratchNetns::enter();
        auto opened = NetlinkSocket::open(NETLINK_ROUTE);
        CHECK_TRUE(opened.ok());
        socket.emplace(std::move(opened).value());
        for (const char* name : {"np-ad0", "np-ad1"}) {
            // veth rather than dummy: not every kernel we test on has the dummy driver.
            scratch->ipOrFail(std::string("link add ") + name + " type veth peer name " + name + "p");
            scratch->ipOrFail(std::string("link set ") + name + " up");
            scratch->ipOrFail(std::string("link set ") + name + "p up");
        }
        scratch->ipOrFail("addr add 192.0.2.1/24 dev np-ad0");
        scratch->ipOrFail("-6 addr add 2001:db8::1/64 dev np-ad0 nodad");
        scratch->ipOrFail("addr add 198.51.100.1/24 dev np-ad1");
    }
    void teardown() override {
        socket.reset();
        scratch.reset();
    }
};

TEST(Addresses, ListsTheAddressesOfOneInterfaceInBothFamilies) {
    auto addresses = interfaceAddresses(*socket, kernelIndex("np-ad0"));
    CHECK_TEXT(addresses.ok(), addresses.ok() ? "" : addresses.error().message.c_str());
    bool v4 = false, v6 = false;
    for (const InterfaceAddress& a : *addresses) {
        LONGS_EQUAL(kernelIndex("np-ad0"), a.ifindex);
        if (a.address.toString() == "192.0.2.1") {
            v4 = true;
            LONGS_EQUAL(24, a.prefixLength);
            LONGS_EQUAL(RT_SCOPE_UNIVERSE, a.scope);
        }
        if (a.address.toString() == "2001:db8::1") {
            v6 = true;
            LONGS_EQUAL(64, a.prefixLength);
        }
        CHECK_TEXT(a.address.toString() != "198.51.100.1", "an address of another interface");
        CHECK_TEXT(a.address.toString() != "127.0.0.1", "an address of another interface");
    }
    CHECK_TRUE(v4);
    CHECK_TRUE(v6);
}

TEST(Addresses, AnInterfaceWithoutAddressesHasNone) {
    scratch->ipOrFail("link add np-ad2 type veth peer name np-ad2p");
    auto addresses = interfaceAddresses(*socket, kernelIndex("np-ad2"));
    CHECK_TRUE(addresses.ok());
    CHECK_TRUE(addresses->empty());
}

TEST(Addresses, DefaultRouteInterfaceFollowsTheLowestMetric) {
    auto none = defaultRouteInterface(*socket);
    CHECK_TRUE(none.ok());
    CHECK_FALSE(none->has_value());  // a fresh namespace has no default route

    scratch->ipOrFail("route add default via 192.0.2.254 dev np-ad0 metric 100");
    auto first = defaultRouteInterface(*socket);
    CHECK_TRUE(first.ok());
    LONGS_EQUAL(kernelIndex("np-ad0"), first->value());

    scratch->ipOrFail("route add default via 198.51.100.254 dev np-ad1 metric 50");
    auto preferred = defaultRouteInterface(*socket);
    CHECK_TRUE(preferred.ok());
    LONGS_EQUAL(kernelIndex("np-ad1"), preferred->value());
}
