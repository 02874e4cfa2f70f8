// The digest that lets the daemon skip a policy compile: it must change with
// anything the compiler reads and stay put for anything it does not.
#include <CppUTest/TestHarness.h>

#include "policy/policy_inputs.h"
#include "policy_test_model.h"

using namespace nodeplane;
using namespace nodeplane::policy;
using namespace nodeplane::policy::test;

TEST_GROUP(PolicyInputs) {
    state::Model model = makeModel();
    std::vector<compiler::LocalEndpoint> local = localEndpoints();
    PolicyInputsDigest base;

    void setup() override {
        model.networkPolicies.push_back(policyIn("x", "web", {{"pod", "a"}}));
        model.networkPolicies.back().ingress.push_back({{podPeer({{"pod", "b"}})}, {}});
        base = digest();
    }
    PolicyInputsDigest digest(PolicyOptions options = {}) { return policyInputsDigest(model, local, options); }
};

TEST(PolicyInputs, TheSameStateHasTheSameDigest) {
    state::Model copy = model;
    CHECK(policyInputsDigest(copy, local, {}) == base);
}

TEST(PolicyInputs, WhatPolicyDoesNotReadLeavesItAlone) {
    model.services.push_back(state::Service{});
    model.services.back().name = "web";
    model.pods[0].where = {"other.toml", 40, 1};
    model.pods[0].annotations["note"] = "moved";
    model.nodes[1].podCIDRs.push_back(*IpPrefix::parse("10.0.2.0/24"));
    local[0].interface = "np-renamed";
    CHECK(digest() == base);
}

TEST(PolicyInputs, APodsLabelsAddressOrPortsChangeIt) {
    model.pods[2].labels["tier"] = "front";
    CHECK_FALSE(digest() == base);
    model = makeModel();
    model.networkPolicies.push_back(policyIn("x", "web", {{"pod", "a"}}));
    model.networkPolicies.back().ingress.push_back({{podPeer({{"pod", "b"}})}, {}});
    CHECK(digest() == base);
    model.pods[2].podIPs = {*IpAddress::parse("10.0.2.99")};
    CHECK_FALSE(digest() == base);
    model.pods[2].podIPs = {*IpAddress::parse("10.0.2.10")};
    model.pods[2].ports[0].containerPort = 81;
    CHECK_FALSE(digest() == base);
}

TEST(PolicyInputs, ANamespacesLabelsChangeIt) {
    model.namespaces[1].labels["team"] = "blue";
    CHECK_FALSE(digest() == base);
}

TEST(PolicyInputs, APolicysRulesChangeIt) {
    model.networkPolicies[0].ingress[0].peers[0].podSelector->matchLabels["pod"] = "c";
    CHECK_FALSE(digest() == base);
    model.networkPolicies[0].ingress[0].peers[0].podSelector->matchLabels["pod"] = "b";
    CHECK(digest() == base);
    model.networkPolicies[0].ingress[0].ports.push_back({state::Protocol::TCP, state::PortRef{std::uint16_t{80}}, {}});
    CHECK_FALSE(digest() == base);
}

TEST(PolicyInputs, NodesLocalEndpointsAndOptionsChangeIt) {
    model.nodes[1].addresses.push_back(*IpAddress::parse("192.168.0.3"));
    CHECK_FALSE(digest() == base);
    model.nodes[1].addresses.pop_back();
    local[1].endpointId = 7;
    CHECK_FALSE(digest() == base);
    local[1].endpointId = 2;
    CHECK_FALSE(digest(PolicyOptions{.allowFromHost = false}) == base);
}

TEST(PolicyInputs, TextIsLengthPrefixed) {
    // "ab"+"c" and "a"+"bc" as a pod's namespace and name.
    model.pods[0].namespace_ = "xa";
    model.pods[0].name = "";
    auto first = digest();
    model.pods[0].namespace_ = "x";
    model.pods[0].name = "a";
    CHECK_FALSE(digest() == first);
}
