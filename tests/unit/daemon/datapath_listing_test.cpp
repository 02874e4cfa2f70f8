// The control API's listings made from map contents: services with their
// flags and backends, conntrack entries flow by flow with the flow's state.
#include <CppUTest/TestHarness.h>

#include "daemon/datapath_listing.h"
#include "fake_conntrack.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::daemon::test;
using datapath::FrontendEntry;
using datapath::FrontendKey;
using datapath::ServiceScope;

TEST_GROUP(ServiceListing){};

TEST(ServiceListing, FrontendsInAddressOrderWithFlagsInWordsAndBackendsByAddress) {
    std::map<FrontendKey, FrontendEntry> frontends;
    FrontendEntry web;
    web.value = {1, 3, {}, 0};
    web.value.flags.affinity = true;
    web.value.flags.rejectWithoutBackend = true;
    web.value.affinityTimeoutSeconds = 10800;
    web.backendCount = 3;
    web.activeHalf = 1;
    FrontendEntry lb;
    lb.value = {2, 4, {}, 0};
    lb.value.flags = {false, true, true, true, false, true};
    // As numbers 10.96.0.9 comes before 10.96.0.10; as text it would not.
    frontends[{ipOf("10.96.0.10"), 80, L4Protocol::Tcp, ServiceScope::Internal}] = web;
    frontends[{ipOf("10.96.0.9"), 53, L4Protocol::Udp, ServiceScope::External}] = lb;
    frontends[{ipOf("10.96.0.9"), 53, L4Protocol::Udp, ServiceScope::Internal}] = lb;

    BackendsById backends;
    backends[7] = {ipOf("10.200.1.100"), 8080, L4Protocol::Tcp, false, false};
    backends[8] = {ipOf("10.200.1.20"), 8080, L4Protocol::Tcp, true, true};
    std::map<std::uint32_t, std::vector<datapath::BackendId>> sets{{1, {7, 99, 8}}, {2, {}}};

    auto services = describeServices(frontends, sets, backends);
    LONGS_EQUAL(3, services.size());
    STRCMP_EQUAL("10.96.0.9", services[0].address.c_str());
    STRCMP_EQUAL("udp", services[0].protocol.c_str());
    STRCMP_EQUAL("internal", services[0].scope.c_str());
    STRCMP_EQUAL("external", services[1].scope.c_str());
    const std::vector<std::string> lbFlags{"etp-local", "itp-local", "source-ranges", "masquerade"};
    CHECK(services[1].flags == lbFlags);
    CHECK(services[1].backends.empty());

    const auto& s = services[2];
    STRCMP_EQUAL("10.96.0.10", s.address.c_str());
    LONGS_EQUAL(80, s.port);
    STRCMP_EQUAL("tcp", s.protocol.c_str());
    const std::vector<std::string> webFlags{"affinity", "reject-when-empty"};
    CHECK(s.flags == webFlags);
    LONGS_EQUAL(10800, s.affinityTimeoutSeconds);
    LONGS_EQUAL(1, s.serviceId);
    LONGS_EQUAL(3, s.revNatId);
    LONGS_EQUAL(3, s.backendCount);
    LONGS_EQUAL(1, s.activeHalf);
    LONGS_EQUAL(3, s.backends.size());
    // 10.200.1.20 before 10.200.1.100; an id the backend table lacks last.
    CHECK(s.backends[0] == (bus::ServiceBackendRecord{8, "10.200.1.20", 8080, true, true}));
    CHECK(s.backends[1] == (bus::ServiceBackendRecord{7, "10.200.1.100", 8080, false, false}));
    CHECK(s.backends[2] == (bus::ServiceBackendRecord{99, "?", 0, false, false}));
}

TEST(ServiceListing, NothingToList) { CHECK(describeServices({}, {}, {}).empty()); }

TEST_GROUP(ConntrackListing) {
    FakeTables t;
    ConntrackTimeouts timeouts;

    bus::ConntrackListing describe(const std::vector<datapath::ConntrackEntry>& entries, std::size_t limit = 100) {
        return describeConntrack(entries, t.backends.entries, t.revNat.entries, kNow, timeouts, limit);
    }
};

TEST(ConntrackListing, EachOriginalIsFollowedByItsReplyWithTheFlowsState) {
    auto b = replied(makeFlow(50, {.clientPort = 40002}), 20);
    b.reply.lastSeenNs = kNow - 3 * kSecond;
    auto a = makeFlow(12, {.clientPort = 40001});
    // In map order the replies may come first; the listing pairs them up.
    auto listing = describe({b.reply, a.reply, b.original, a.original});
    LONGS_EQUAL(4, listing.total);
    LONGS_EQUAL(4, listing.entries.size());
    const auto& e = listing.entries;
    STRCMP_EQUAL("original", e[0].direction.c_str());
    LONGS_EQUAL(40001, e[0].sourcePort);
    STRCMP_EQUAL("reply", e[1].direction.c_str());
    STRCMP_EQUAL("10.200.1.11", e[1].source.c_str());
    LONGS_EQUAL(40001, e[1].destinationPort);
    STRCMP_EQUAL("syn-sent", e[0].state.c_str());
    STRCMP_EQUAL("syn-sent", e[1].state.c_str());
    CHECK(e[0].idleNs == 12 * kSecond);
    CHECK(e[0].timeoutNs == 60 * kSecond);

    STRCMP_EQUAL("original", e[2].direction.c_str());
    LONGS_EQUAL(40002, e[2].sourcePort);
    STRCMP_EQUAL("reply", e[3].direction.c_str());
    // The flow's idle time is its newer entry's, on both lines; age is each entry's.
    STRCMP_EQUAL("established", e[2].state.c_str());
    CHECK(e[2].idleNs == 3 * kSecond);
    CHECK(e[3].idleNs == 3 * kSecond);
    CHECK(e[2].ageNs == 50 * kSecond);
    CHECK(e[2].timeoutNs == 21600 * kSecond);
    LONGS_EQUAL(0x12, e[2].tcpFlags);  // SYN then ACK from the client
    LONGS_EQUAL(7, e[2].backendId);
    LONGS_EQUAL(3, e[2].revNatId);
    STRCMP_EQUAL("tcp", e[2].protocol.c_str());
}

TEST(ConntrackListing, NatFieldsAndFlagsAreShown) {
    auto f = masqueraded(makeFlow(5), "192.168.50.2", 61000);
    f.original.external = f.reply.external = true;
    f.reply.closing = true;
    auto listing = describe({f.original, f.reply});
    const auto& e = listing.entries;
    STRCMP_EQUAL("192.168.50.2", e[0].natAddress.c_str());
    LONGS_EQUAL(61000, e[0].natPort);
    STRCMP_EQUAL("10.200.1.10", e[1].natAddress.c_str());
    LONGS_EQUAL(40000, e[1].natPort);
    CHECK(e[1].closing);
    CHECK(e[0].external);
    STRCMP_EQUAL("closing", e[0].state.c_str());
    STRCMP_EQUAL("", describe({makeFlow(5).original}).entries[0].natAddress.c_str());
}

TEST(ConntrackListing, ALoneReplyIsListedUnderItsOwnKey) {
    auto lone = makeFlow(5, {.clientPort = 40009, .revNatId = 77});  // frontend unknown
    auto paired = makeFlow(5, {.clientPort = 40001});
    auto listing = describe({lone.reply, paired.original, paired.reply});
    LONGS_EQUAL(3, listing.entries.size());
    // Flows sort by key, and an ORIGINAL key sorts before any REPLY key.
    STRCMP_EQUAL("original", listing.entries[0].direction.c_str());
    STRCMP_EQUAL("reply", listing.entries[1].direction.c_str());
    LONGS_EQUAL(40001, listing.entries[1].destinationPort);
    LONGS_EQUAL(40009, listing.entries[2].destinationPort);
}

TEST(ConntrackListing, ALimitCutsTheListButNotTheTotal) {
    std::vector<datapath::ConntrackEntry> entries;
    for (std::uint16_t port = 40000; port < 40010; ++port) {
        auto f = makeFlow(5, {.clientPort = port});
        entries.push_back(f.original);
        entries.push_back(f.reply);
    }
    auto listing = describe(entries, 5);
    LONGS_EQUAL(20, listing.total);
    LONGS_EQUAL(5, listing.entries.size());
    LONGS_EQUAL(40000, listing.entries[0].sourcePort);
    LONGS_EQUAL(40002, listing.entries[4].sourcePort);
    LONGS_EQUAL(0, describe({}).total);
}
