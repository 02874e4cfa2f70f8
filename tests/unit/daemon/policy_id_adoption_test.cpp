// A restarted daemon keeps the identity numbers its predecessor left in the
// ipcache, whatever order the new snapshot lists pods in, and never hands a
// number still in the maps to anything new.
#include <CppUTest/TestHarness.h>

#include "daemon/policy_id_adoption.h"
#include "fake_host.h"
#include "policy/identity.h"

namespace nodeplane::daemon {

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

state::Pod pod(const char* name, const char* address, state::Labels labels) {
    state::Pod p;
    p.namespace_ = "e2e";
    p.name = name;
    p.labels = std::move(labels);
    p.podIPs = {ip(address)};
    return p;
}

IpPrefix host(const char* address) { return IpPrefix{ip(address), 32}; }

std::uint32_t idOf(policy::PolicyIds& ids, const state::Pod& p) {
    return ids.pods.idFor(policy::podIdentityKey(p.namespace_, p.labels));
}

}  // namespace

TEST_GROUP(PolicyIdAdoption){};

TEST(PolicyIdAdoption, PodsKeepTheirNumbersWhenANewPodIsListedFirst) {
    state::Model model;
    model.pods = {pod("x", "10.0.2.10", {{"pod", "x"}}), pod("a", "10.0.1.10", {{"pod", "a"}}),
                  pod("b", "10.0.1.11", {{"pod", "b"}})};
    const std::map<IpPrefix, policy::IpcacheEntry> ipcache = {{host("10.0.1.10"), {256, 0}},
                                                              {host("10.0.1.11"), {257, 0}}};
    policy::PolicyIds ids;
    auto adopted = adoptPolicyIds(model, ipcache, ids);
    LONGS_EQUAL(2, adopted.pods);
    LONGS_EQUAL(0, adopted.skipped);
    LONGS_EQUAL(256, idOf(ids, model.pods[1]));
    LONGS_EQUAL(257, idOf(ids, model.pods[2]));
    // The newcomer gets a number past every one the maps hold.
    LONGS_EQUAL(258, idOf(ids, model.pods[0]));
}

TEST(PolicyIdAdoption, ANumberStaysWithOneLabelSetWhenLabelsChangedMeanwhile) {
    state::Model model;
    // Both pods had {app=web} (identity 300); b's labels changed while no daemon ran.
    model.pods = {pod("a", "10.0.1.10", {{"app", "web"}}), pod("b", "10.0.1.11", {{"app", "db"}})};
    const std::map<IpPrefix, policy::IpcacheEntry> ipcache = {{host("10.0.1.10"), {300, 0}},
                                                              {host("10.0.1.11"), {300, 0}}};
    policy::PolicyIds ids;
    auto adopted = adoptPolicyIds(model, ipcache, ids);
    LONGS_EQUAL(1, adopted.pods);
    LONGS_EQUAL(1, adopted.skipped);
    LONGS_EQUAL(300, idOf(ids, model.pods[0]));
    LONGS_EQUAL(301, idOf(ids, model.pods[1]));
}

TEST(PolicyIdAdoption, ReplicasShareTheirNumberAndHostNetworkPodsAreNotPods) {
    state::Model model;
    model.pods = {pod("web-1", "10.0.1.10", {{"app", "web"}}), pod("web-2", "10.0.1.11", {{"app", "web"}}),
                  pod("agent", "192.168.1.5", {{"app", "agent"}})};
    model.pods[2].hostNetwork = true;
    const std::map<IpPrefix, policy::IpcacheEntry> ipcache = {{host("10.0.1.10"), {260, 0}},
                                                              {host("10.0.1.11"), {260, 0}},
                                                              {host("192.168.1.5"), {policy::kIdentityHost, 0}}};
    policy::PolicyIds ids;
    auto adopted = adoptPolicyIds(model, ipcache, ids);
    LONGS_EQUAL(1, adopted.pods);
    LONGS_EQUAL(260, idOf(ids, model.pods[1]));
    CHECK_FALSE(ids.pods.knows(policy::podIdentityKey("e2e", {{"app", "agent"}})));
}

TEST(PolicyIdAdoption, NewIpBlockClassesSkipTheNumbersInUse) {
    state::Model model;
    const auto first = policy::kFirstCidrIdentity;
    const std::map<IpPrefix, policy::IpcacheEntry> ipcache = {
        {*IpPrefix::parse("203.0.113.0/24"), {policy::kIdentityWorld, first + 4}}};
    policy::PolicyIds ids;
    (void)adoptPolicyIds(model, ipcache, ids);
    LONGS_EQUAL(first + 5, ids.cidrs.idFor(*IpPrefix::parse("198.51.100.0/24")));
}

TEST(PolicyIdAdoption, AnEmptyIpcacheChangesNothing) {
    state::Model model;
    model.pods = {pod("a", "10.0.1.10", {{"pod", "a"}})};
    policy::PolicyIds ids;
    auto adopted = adoptPolicyIds(model, {}, ids);
    LONGS_EQUAL(0, adopted.pods);
    LONGS_EQUAL(policy::kFirstPodIdentity, idOf(ids, model.pods[0]));
}

namespace {

state::Pod localPod(const char* name, const char* address) {
    state::Pod p = pod(name, address, {{"pod", name}});
    p.nodeName = "node-a";
    p.interface = std::string("veth-") + name;
    return p;
}

std::uint32_t endpointIdOf(const compiler::DesiredNode& node, const char* address) {
    for (const auto& ep : node.localEndpoints)
        if (ep.ip == ip(address)) return ep.endpointId;
    FAIL(std::string("no endpoint for ").append(address).c_str());
    return 0;
}

}  // namespace

TEST_GROUP(EndpointIdAdoption){};

TEST(EndpointIdAdoption, PodsKeepTheirIdsWhenANewPodIsListedFirst) {
    state::Model model;
    model.node = "node-a";
    model.pods = {localPod("a", "10.0.1.10"), localPod("b", "10.0.1.11")};
    compiler::EndpointIdAllocator before;
    auto first = compiler::compileNode(model, {}, before);
    // What the previous daemon left in np_local_endpoints_v1.
    std::map<IpAddress, datapath::LocalEndpoint> held;
    for (const auto& ep : first.desired.localEndpoints) held[ep.ip] = {7, ep.endpointId, 0, 0};

    // The restarted daemon's snapshot lists a new pod first.
    model.pods.insert(model.pods.begin(), localPod("x", "10.0.1.9"));
    compiler::EndpointIdAllocator ids;
    LONGS_EQUAL(2, adoptEndpointIds(model, held, ids));
    CHECK_TRUE(ids.adopted());
    auto second = compiler::compileNode(model, {}, ids);
    LONGS_EQUAL(endpointIdOf(first.desired, "10.0.1.10"), endpointIdOf(second.desired, "10.0.1.10"));
    LONGS_EQUAL(endpointIdOf(first.desired, "10.0.1.11"), endpointIdOf(second.desired, "10.0.1.11"));
    // The newcomer's id is none the maps hold.
    const auto x = endpointIdOf(second.desired, "10.0.1.9");
    CHECK(x != endpointIdOf(first.desired, "10.0.1.10") && x != endpointIdOf(first.desired, "10.0.1.11"));

    // Without the seeding the newcomer would take a's id: the hazard itself.
    compiler::EndpointIdAllocator fresh;
    auto renumbered = compiler::compileNode(model, {}, fresh);
    LONGS_EQUAL(endpointIdOf(first.desired, "10.0.1.10"), endpointIdOf(renumbered.desired, "10.0.1.9"));
}

TEST(EndpointIdAdoption, IdsOfGonePodsAreNotHandedOut) {
    state::Model model;
    model.node = "node-a";
    model.pods = {localPod("n", "10.0.1.20")};
    // A pod that is gone held id 40; another address holds the reserved 0.
    const std::map<IpAddress, datapath::LocalEndpoint> held = {{ip("10.0.1.30"), {3, 40, 0, 0}},
                                                               {ip("10.0.1.31"), {4, 0, 0, 0}}};
    compiler::EndpointIdAllocator ids;
    LONGS_EQUAL(0, adoptEndpointIds(model, held, ids));
    auto compiled = compiler::compileNode(model, {}, ids);
    LONGS_EQUAL(41, endpointIdOf(compiled.desired, "10.0.1.20"));
}

TEST(EndpointIdAdoption, AnIdTwoPodsClaimStaysWithTheFirst) {
    state::Model model;
    model.node = "node-a";
    // b's address was a's while no daemon ran; both now list it.
    auto b = localPod("b", "10.0.1.11");
    b.podIPs.push_back(ip("10.0.1.10"));
    model.pods = {localPod("a", "10.0.1.10"), b};
    const std::map<IpAddress, datapath::LocalEndpoint> held = {{ip("10.0.1.10"), {3, 5, 0, 0}}};
    compiler::EndpointIdAllocator ids;
    LONGS_EQUAL(1, adoptEndpointIds(model, held, ids));
    LONGS_EQUAL(5, ids.idFor("e2e/a"));
    LONGS_EQUAL(6, ids.idFor("e2e/b"));
}

TEST(EndpointIdAdoption, OnlyTheFirstCompileOfAProcessSeeds) {
    state::Model model;
    model.node = "node-a";
    model.pods = {localPod("a", "10.0.1.10")};
    testing::FakeEndpoints table;
    table.entries[ip("10.0.1.10")] = {3, 9, 0, 0};
    compiler::EndpointIdAllocator ids;
    adoptEndpointIdsOnce(model, table, ids);
    LONGS_EQUAL(9, ids.idFor("e2e/a"));
    // Later the maps hold what this process wrote: never read them again.
    model.pods.push_back(localPod("c", "10.0.1.12"));
    table.entries[ip("10.0.1.12")] = {4, 30, 0, 0};
    adoptEndpointIdsOnce(model, table, ids);
    LONGS_EQUAL(10, ids.idFor("e2e/c"));
}

}  // namespace nodeplane::daemon
