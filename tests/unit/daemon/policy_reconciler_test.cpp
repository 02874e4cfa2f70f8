// Applying compiled policy to the policy maps (through fakes of the table
// interfaces), and what the control API shows of them.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include <vector>

#include "daemon/policy_listing.h"
#include "daemon/policy_reconciler.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using datapath::PolicyMapKey;
using policy::Direction;
using policy::PolicyEntryKey;
using policy::PortPrefix;

namespace {

IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

// Records every call, in order, so the test can check what came first.
struct Calls {
    std::vector<std::string> log;
};

struct FakeIpcache : datapath::IpcacheTable {
    Calls& calls;
    std::map<IpPrefix, policy::IpcacheEntry> entries;
    int lists = 0;
    explicit FakeIpcache(Calls& c) : calls(c) {}
    Result<std::map<IpPrefix, policy::IpcacheEntry>> list() const override {
        ++const_cast<FakeIpcache*>(this)->lists;
        return entries;
    }
    Status upsert(const IpPrefix& p, const policy::IpcacheEntry& e) override {
        calls.log.push_back("ipcache+ " + p.toString());
        entries[p] = e;
        return {};
    }
    Status erase(const IpPrefix& p) override {
        calls.log.push_back("ipcache- " + p.toString());
        entries.erase(p);
        return {};
    }
};

struct FakePolicy : datapath::PolicyTable {
    Calls& calls;
    std::map<PolicyMapKey, std::uint32_t> entries;
    bool failNextUpsert = false;
    explicit FakePolicy(Calls& c) : calls(c) {}
    Result<std::map<PolicyMapKey, std::uint32_t>> list() const override { return entries; }
    Status upsert(const PolicyMapKey& k, std::uint32_t id) override {
        if (failNextUpsert) {
            failNextUpsert = false;
            return Error::logical("the map is full");
        }
        calls.log.push_back("policy+ " + std::to_string(k.endpointId) + "/" + std::to_string(k.entry.remote));
        entries[k] = id;
        return {};
    }
    Status erase(const PolicyMapKey& k) override {
        calls.log.push_back("policy- " + std::to_string(k.endpointId) + "/" + std::to_string(k.entry.remote));
        entries.erase(k);
        return {};
    }
};

policy::DesiredPolicy desiredWith(std::uint32_t remote, const char* address) {
    policy::DesiredPolicy d;
    d.ipcache[prefix(address)] = {remote, 0};
    policy::EndpointPolicy ep;
    ep.endpointId = 4;
    ep.pod = "shop/web-1";
    ep.identity = 256;
    ep.ingressIsolated = true;
    ep.ingressPolicies = {"shop/allow-front"};
    ep.allows[PolicyEntryKey{remote, Direction::Ingress, IPPROTO_TCP, PortPrefix{8080, 13}}] = 17;
    ep.allows[PolicyEntryKey{policy::kIdentityHost, Direction::Ingress, 0, policy::kAnyPort}] = policy::kPolicyIdHostAllow;
    d.endpoints.push_back(ep);
    d.identities[remote] = policy::Identity{remote, policy::IdentityKind::Pod, "shop", {{"app", "front"}}, std::nullopt};
    d.identities[256] = policy::Identity{256, policy::IdentityKind::Pod, "shop", {{"app", "web"}}, std::nullopt};
    d.identities[policy::kIdentityHost] = policy::Identity{policy::kIdentityHost, policy::IdentityKind::Reserved, "", {}, std::nullopt};
    d.policies[17] = "shop/allow-front";
    return d;
}

}  // namespace

TEST_GROUP(PolicyReconciler) {
    Calls calls;
    FakeIpcache ipcache{calls};
    FakePolicy entries{calls};
    PolicyReconciler reconciler{PolicyTables{ipcache, entries}};
};

TEST(PolicyReconciler, WritesEntriesBeforeAddressesAndRemovesOnlyInTheSecondStep) {
    auto first = flattenPolicy(desiredWith(300, "10.0.2.10/32"));
    CHECK(reconciler.writeWanted(first).ok());
    CHECK(reconciler.removeUnwanted(first).ok());
    // The front pod moves to a new identity: its entries come before its address does.
    calls.log.clear();
    auto second = flattenPolicy(desiredWith(301, "10.0.2.10/32"));
    auto written = reconciler.writeWanted(second);
    CHECK(written.ok());
    LONGS_EQUAL(2, written->writes);
    CHECK((std::vector<std::string>{"policy+ 4/301", "ipcache+ 10.0.2.10/32"}) == calls.log);
    LONGS_EQUAL(3, entries.entries.size());  // the old identity's entry is still there
    auto removed = reconciler.removeUnwanted(second);
    CHECK(removed.ok());
    LONGS_EQUAL(1, removed->removals);
    CHECK(calls.log.back() == "policy- 4/300");
}

TEST(PolicyReconciler, TheSameStateTwiceWritesNothingAndReadsTheMapsOnce) {
    auto maps = flattenPolicy(desiredWith(300, "10.0.2.10/32"));
    CHECK(reconciler.writeWanted(maps).ok());
    CHECK(reconciler.removeUnwanted(maps).ok());
    auto again = reconciler.writeWanted(maps);
    CHECK(again.ok());
    LONGS_EQUAL(0, again->writes);
    LONGS_EQUAL(1, ipcache.lists);
}

TEST(PolicyReconciler, ARestartedDaemonAdoptsWhatTheMapsHold) {
    auto maps = flattenPolicy(desiredWith(300, "10.0.2.10/32"));
    CHECK(reconciler.writeWanted(maps).ok());
    PolicyReconciler restarted{PolicyTables{ipcache, entries}};
    auto written = restarted.writeWanted(maps);
    CHECK(written.ok());
    LONGS_EQUAL(0, written->writes);
}

TEST(PolicyReconciler, AfterAFailureTheNextPassReadsTheMapsBack) {
    auto maps = flattenPolicy(desiredWith(300, "10.0.2.10/32"));
    entries.failNextUpsert = true;
    CHECK_FALSE(reconciler.writeWanted(maps).ok());
    auto retried = reconciler.writeWanted(maps);
    CHECK(retried.ok());
    LONGS_EQUAL(2, ipcache.lists);
    LONGS_EQUAL(2, entries.entries.size());
}

TEST(PolicyReconciler, OnlyTheEndpointsThatChangedAreWrittenAndAGoneEndpointIsEmptied) {
    auto two = desiredWith(300, "10.0.2.10/32");
    policy::EndpointPolicy other = two.endpoints[0];
    other.endpointId = 5;
    other.pod = "shop/web-2";
    two.endpoints.push_back(other);
    CHECK(reconciler.writeWanted(flattenPolicy(two)).ok());
    CHECK(reconciler.removeUnwanted(flattenPolicy(two)).ok());
    LONGS_EQUAL(4, entries.entries.size());

    // Endpoint 5 admits one more remote; endpoint 4 is as it was.
    two.endpoints[1].allows[PolicyEntryKey{302, Direction::Egress, IPPROTO_UDP, PortPrefix{53, 16}}] = 18;
    calls.log.clear();
    auto written = reconciler.writeWanted(flattenPolicy(two));
    CHECK(written.ok());
    LONGS_EQUAL(1, written->writes);
    CHECK((std::vector<std::string>{"policy+ 5/302"}) == calls.log);

    // Endpoint 4's pod is gone: all its entries go, in the second step only.
    two.endpoints.erase(two.endpoints.begin());
    calls.log.clear();
    written = reconciler.writeWanted(flattenPolicy(two));
    CHECK(written.ok());
    LONGS_EQUAL(0, written->writes);
    auto removed = reconciler.removeUnwanted(flattenPolicy(two));
    CHECK(removed.ok());
    LONGS_EQUAL(2, removed->removals);
    CHECK((std::vector<std::string>{"policy- 4/1", "policy- 4/300"}) == calls.log);
    LONGS_EQUAL(3, entries.entries.size());
    // What the maps hold is what a restarted daemon would read back.
    PolicyReconciler restarted{PolicyTables{ipcache, entries}};
    auto again = restarted.removeUnwanted(flattenPolicy(two));
    CHECK(again.ok());
    LONGS_EQUAL(0, again->removals);
}

TEST(PolicyReconciler, AFailedWriteIsRetriedFromWhatTheMapsHoldNotFromTheSkippedEndpoints) {
    auto first = desiredWith(300, "10.0.2.10/32");
    CHECK(reconciler.writeWanted(flattenPolicy(first)).ok());
    auto second = desiredWith(301, "10.0.2.10/32");
    entries.failNextUpsert = true;
    CHECK_FALSE(reconciler.writeWanted(flattenPolicy(second)).ok());
    // The same endpoint again: its entries differ from the maps, so they are written.
    auto retried = reconciler.writeWanted(flattenPolicy(second));
    CHECK(retried.ok());
    LONGS_EQUAL(2, retried->writes);  // the entry for 301 and the address
    auto removed = reconciler.removeUnwanted(flattenPolicy(second));
    CHECK(removed.ok());
    LONGS_EQUAL(1, removed->removals);
    LONGS_EQUAL(2, entries.entries.size());
}

TEST(PolicyReconciler, HoldsTheInputsItWasLastMarkedWithUntilTheNextWriteOrAFailure) {
    const policy::PolicyInputsDigest inputs{1, 2};
    CHECK_FALSE(reconciler.holds(inputs));
    auto maps = flattenPolicy(desiredWith(300, "10.0.2.10/32"));
    CHECK(reconciler.writeWanted(maps).ok());
    CHECK(reconciler.removeUnwanted(maps).ok());
    reconciler.markApplied(inputs);
    CHECK(reconciler.holds(inputs));
    CHECK_FALSE(reconciler.holds(policy::PolicyInputsDigest{1, 3}));
    // A new write starts over; a failed one leaves nothing marked.
    CHECK(reconciler.writeWanted(maps).ok());
    CHECK_FALSE(reconciler.holds(inputs));
    reconciler.markApplied(inputs);
    entries.failNextUpsert = true;
    CHECK_FALSE(reconciler.writeWanted(flattenPolicy(desiredWith(301, "10.0.2.10/32"))).ok());
    reconciler.markApplied(inputs);  // ignored: the maps are between two states
    CHECK_FALSE(reconciler.holds(inputs));
}

TEST_GROUP(PolicyListing){};

TEST(PolicyListing, APodsEntriesWithNamesAndPortRanges) {
    auto d = desiredWith(300, "10.0.2.10/32");
    std::map<PolicyMapKey, std::uint32_t> maps;
    for (const auto& [k, id] : d.endpoints[0].allows) maps[PolicyMapKey{4, k}] = id;
    maps[PolicyMapKey{5, PolicyEntryKey{}}] = 99;  // another endpoint's: not listed
    auto r = endpointPolicyRecord("shop/web-1", d, maps);
    CHECK(r.ok());
    LONGS_EQUAL(256, r->identity);
    CHECK(r->ingressIsolated);
    LONGS_EQUAL(2, r->allows.size());
    const auto& host = r->allows[0];
    STRCMP_EQUAL("host", host.remote.c_str());
    STRCMP_EQUAL("any", host.protocol.c_str());
    LONGS_EQUAL(0, host.portFirst);
    LONGS_EQUAL(65535, host.portLast);
    STRCMP_EQUAL("allow-from-host", host.policy.c_str());
    const auto& front = r->allows[1];
    STRCMP_EQUAL("shop: app=front", front.remote.c_str());
    STRCMP_EQUAL("tcp", front.protocol.c_str());
    LONGS_EQUAL(8080, front.portFirst);  // 8080/13: 8080-8087
    LONGS_EQUAL(8087, front.portLast);
    STRCMP_EQUAL("shop/allow-front", front.policy.c_str());
    auto missing = endpointPolicyRecord("shop/nope", d, maps);
    CHECK_FALSE(missing.ok());
    STRCMP_EQUAL("'shop/nope' is not a pod on this node", missing.error().message.c_str());
}

TEST(PolicyListing, IdentitiesCountTheirAddresses) {
    auto d = desiredWith(300, "10.0.2.10/32");
    std::map<IpPrefix, policy::IpcacheEntry> maps{{prefix("10.0.2.10/32"), {300, 0}},
                                                  {prefix("10.0.2.11/32"), {300, 0}}};
    auto records = identityRecords(d, maps);
    LONGS_EQUAL(3, records.size());
    STRCMP_EQUAL("host", records[0].name.c_str());
    STRCMP_EQUAL("reserved", records[0].kind.c_str());
    LONGS_EQUAL(300, records[2].id);
    LONGS_EQUAL(2, records[2].addresses);
    CHECK((std::vector<std::string>{"app=front"}) == records[2].labels);
}
