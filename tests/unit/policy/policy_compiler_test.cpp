#include <CppUTest/TestHarness.h>

#include "policy_test_model.h"

using namespace nodeplane;
using namespace nodeplane::policy;
using namespace nodeplane::policy::test;
using state::PolicyType;

TEST_GROUP(PolicyCompiler) {
    state::Model model = makeModel();
    PolicyIds ids;

    DesiredPolicy compile(PolicyOptions options = {}) { return compilePolicy(model, localEndpoints(), options, ids); }
};

TEST(PolicyCompiler, WithoutPoliciesNoPodIsIsolated) {
    auto d = compile();
    LONGS_EQUAL(2, d.endpoints.size());
    for (const auto& ep : d.endpoints) {
        CHECK_FALSE(ep.ingressIsolated);
        CHECK_FALSE(ep.egressIsolated);
        CHECK(ep.allows.empty());
    }
    // Every pod cluster-wide has an identity and an ipcache entry; nodes are host / remote-node.
    CHECK(identityOf(d, "10.0.2.10") >= kFirstPodIdentity);
    LONGS_EQUAL(kIdentityHost, identityOf(d, "192.168.0.1"));
    LONGS_EQUAL(kIdentityRemoteNode, identityOf(d, "192.168.0.2"));
    LONGS_EQUAL(kIdentityWorld, d.ipcache.at(*IpPrefix::parse("0.0.0.0/0")).identity);
    // Each endpoint knows its pod's identity.
    LONGS_EQUAL(identityOf(d, "10.0.1.10"), endpoint(d, 1)->identity);
    LONGS_EQUAL(identityOf(d, "10.0.1.11"), endpoint(d, 2)->identity);
}

TEST(PolicyCompiler, PodsWithTheSameLabelsInOneNamespaceShareAnIdentity) {
    model.pods.push_back(makePod("y", "a", "n2", "10.0.2.12"));
    model.pods.back().name = "a-2";
    auto d = compile();
    LONGS_EQUAL(identityOf(d, "10.0.2.10"), identityOf(d, "10.0.2.12"));
    CHECK(identityOf(d, "10.0.2.10") != identityOf(d, "10.0.2.11"));
    // Same labels, other namespace: another identity.
    CHECK(identityOf(d, "10.0.2.10") != identityOf(d, "10.0.1.10"));
}

TEST(PolicyCompiler, AnEmptyIngressListDeniesAllButTheNode) {
    model.networkPolicies.push_back(policyIn("x", "deny", {}));
    auto d = compile();
    for (std::uint32_t id : {1u, 2u}) {
        CHECK(endpoint(d, id)->ingressIsolated);
        CHECK_FALSE(endpoint(d, id)->egressIsolated);
        STRCMP_EQUAL("host any 0/0; ", entries(d, id, Direction::Ingress).c_str());
    }
    LONGS_EQUAL(kPolicyIdHostAllow, endpoint(d, 1)->allows.begin()->second);
    d = compile(PolicyOptions{.allowFromHost = false});
    CHECK(endpoint(d, 1)->allows.empty());
}

TEST(PolicyCompiler, AnEmptyRuleAllowsEverything) {
    auto p = policyIn("x", "all", {{"pod", "a"}});
    p.ingress.push_back({});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("any any 0/0; host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
    // x/b is not selected: not isolated, nothing to look up.
    CHECK_FALSE(endpoint(d, 2)->ingressIsolated);
}

TEST(PolicyCompiler, APodSelectorPeerSelectsInThePolicysNamespace) {
    auto p = policyIn("x", "from-b", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}})}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; x/b tcp 80/16; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, ANamespaceSelectorPeerSelectsEveryPodThere) {
    auto p = policyIn("x", "from-y", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{namespacePeer({{"ns", "y"}})}, {}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; y/a any 0/0; y/b any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, BothSelectorsInOnePeerAreAnded) {
    auto p = policyIn("x", "from-y-b", {{"pod", "a"}});
    auto peer = namespacePeer({{"ns", "y"}});
    peer.podSelector = state::LabelSelector{{{"pod", "b"}}, {}};
    p.ingress.push_back(state::PolicyRule{{peer}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; y/b tcp 80/16; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, TwoPeersAreOred) {
    auto p = policyIn("x", "two", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}}), namespacePeer({{"ns", "y"}})}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; x/b tcp 80/16; y/a tcp 80/16; y/b tcp 80/16; ",
                 entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, NamespaceLabelChangesMoveEntriesNotIdentities) {
    auto p = policyIn("x", "from-team", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{namespacePeer({{"team", "blue"}})}, {}});
    model.networkPolicies.push_back(p);
    auto before = compile();
    STRCMP_EQUAL("host any 0/0; ", entries(before, 1, Direction::Ingress).c_str());
    model.namespaces[1].labels["team"] = "blue";
    auto after = compile();
    STRCMP_EQUAL("host any 0/0; y/a any 0/0; y/b any 0/0; ", entries(after, 1, Direction::Ingress).c_str());
    LONGS_EQUAL(identityOf(before, "10.0.2.10"), identityOf(after, "10.0.2.10"));
}

TEST(PolicyCompiler, PodLabelChangesGiveANewIdentity) {
    auto before = compile();
    model.pods[2].labels["pod"] = "c";
    auto after = compile();
    CHECK(identityOf(before, "10.0.2.10") != identityOf(after, "10.0.2.10"));
    LONGS_EQUAL(identityOf(before, "10.0.2.11"), identityOf(after, "10.0.2.11"));
}

TEST(PolicyCompiler, EndPortBecomesPrefixes) {
    auto p = policyIn("x", "range", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}})}, {tcp(80, 90)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; x/b tcp 80/13; x/b tcp 88/15; x/b tcp 90/16; ",
                 entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, APortWithoutNumberIsEveryPortOfItsProtocol) {
    auto p = policyIn("x", "udp", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{}, {state::PolicyPort{state::Protocol::UDP, std::nullopt, std::nullopt}}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("any udp 0/0; host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, EgressOnlyPolicyLeavesIngressOpen) {
    auto p = policyIn("x", "egress", {{"pod", "a"}}, {PolicyType::Egress});
    p.egress.push_back(state::PolicyRule{{namespacePeer({{"ns", "y"}})}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    CHECK_FALSE(endpoint(d, 1)->ingressIsolated);
    CHECK(endpoint(d, 1)->egressIsolated);
    STRCMP_EQUAL("y/a tcp 80/16; y/b tcp 80/16; ", entries(d, 1, Direction::Egress).c_str());
    STRCMP_EQUAL("", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyCompiler, PoliciesAreAUnionAndTheLowestIdNamesAnEntry) {
    auto first = policyIn("x", "first", {{"pod", "a"}});
    first.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}})}, {tcp(80)}});
    auto second = policyIn("x", "second", {});
    second.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}})}, {tcp(80), tcp(81)}});
    model.networkPolicies = {first, second};
    auto d = compile();
    STRCMP_EQUAL("host any 0/0; x/b tcp 80/16; x/b tcp 81/16; ", entries(d, 1, Direction::Ingress).c_str());
    const auto& allows = endpoint(d, 1)->allows;
    auto firstId = ids.policies.idFor("x/first");
    auto secondId = ids.policies.idFor("x/second");
    CHECK(firstId < secondId);
    auto b = identityOf(d, "10.0.1.11");
    LONGS_EQUAL(firstId, allows.at(PolicyEntryKey{b, Direction::Ingress, IPPROTO_TCP, PortPrefix{80, 16}}));
    LONGS_EQUAL(secondId, allows.at(PolicyEntryKey{b, Direction::Ingress, IPPROTO_TCP, PortPrefix{81, 16}}));
    CHECK(endpoint(d, 1)->ingressPolicies == (std::vector<std::string>{"x/first", "x/second"}));
    CHECK(endpoint(d, 2)->ingressPolicies == (std::vector<std::string>{"x/second"}));
}

TEST(PolicyCompiler, PoliciesSelectingNoLocalPodAddNothingHere) {
    model.networkPolicies.push_back(policyIn("y", "deny", {}));
    auto d = compile();
    for (const auto& ep : d.endpoints) CHECK_FALSE(ep.ingressIsolated);
    CHECK(d.policies.empty());
}

TEST(PolicyCompiler, IpBlockWithExceptBecomesCidrIdentities) {
    auto p = policyIn("x", "cidr", {{"pod", "a"}});
    state::PolicyPeer peer;
    peer.ipBlock = state::IpBlock{*IpPrefix::parse("10.0.0.0/16"), {*IpPrefix::parse("10.0.2.0/24")}};
    p.ingress.push_back(state::PolicyRule{{peer}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("cidr:10.0.0.0/16 tcp 80/16; host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
    // Pods keep their pod identity and carry the class of their address.
    auto x = d.ipcache.at(*IpPrefix::parse("10.0.1.11/32"));
    auto y = d.ipcache.at(*IpPrefix::parse("10.0.2.11/32"));
    CHECK(x.identity >= kFirstPodIdentity);
    LONGS_EQUAL(d.ipcache.at(*IpPrefix::parse("10.0.0.0/16")).cidrIdentity, x.cidrIdentity);
    LONGS_EQUAL(d.ipcache.at(*IpPrefix::parse("10.0.2.0/24")).cidrIdentity, y.cidrIdentity);
    CHECK(x.cidrIdentity != y.cidrIdentity);
    // Addresses that are not pods: the world, in their class.
    LONGS_EQUAL(kIdentityWorld, d.ipcache.at(*IpPrefix::parse("10.0.0.0/16")).identity);
    LONGS_EQUAL(kIdentityAny, d.ipcache.at(*IpPrefix::parse("0.0.0.0/0")).cidrIdentity);
}

TEST(PolicyCompiler, AHostRouteIpBlockNamesOnePod) {
    auto p = policyIn("x", "one", {{"pod", "a"}}, {PolicyType::Egress});
    state::PolicyPeer peer;
    peer.ipBlock = state::IpBlock{*IpPrefix::parse("10.0.2.11/32"), {}};
    p.egress.push_back(state::PolicyRule{{peer}, {}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("cidr:10.0.2.11/32 any 0/0; ", entries(d, 1, Direction::Egress).c_str());
    auto target = d.ipcache.at(*IpPrefix::parse("10.0.2.11/32"));
    CHECK(target.identity >= kFirstPodIdentity);  // still the pod, for pod selectors
    CHECK(target.cidrIdentity >= kFirstCidrIdentity);
    // y/a shares no class with it.
    LONGS_EQUAL(kIdentityAny, d.ipcache.at(*IpPrefix::parse("10.0.2.10/32")).cidrIdentity);
}

TEST(PolicyCompiler, IdsAreStableAcrossGenerations) {
    auto p = policyIn("x", "from-b", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{podPeer({{"pod", "b"}})}, {tcp(80)}});
    model.networkPolicies.push_back(p);
    auto first = compile();
    model.pods.push_back(makePod("y", "c", "n2", "10.0.2.12"));
    auto second = compile();
    CHECK(first.endpoints == second.endpoints);
    for (const char* ip : {"10.0.1.10", "10.0.1.11", "10.0.2.10", "10.0.2.11"})
        LONGS_EQUAL(identityOf(first, ip), identityOf(second, ip));
}
