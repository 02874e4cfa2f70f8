#include <CppUTest/TestHarness.h>

#include "policy_test_model.h"

using namespace nodeplane;
using namespace nodeplane::policy;
using namespace nodeplane::policy::test;
using state::PolicyType;

namespace {

state::PolicyPort named(const char* name, state::Protocol protocol = state::Protocol::TCP) {
    return state::PolicyPort{protocol, state::PortRef{std::string(name)}, std::nullopt};
}

}  // namespace

TEST_GROUP(PolicyNamedPorts) {
    state::Model model = makeModel();
    PolicyIds ids;

    DesiredPolicy compile() { return compilePolicy(model, localEndpoints(), {}, ids); }
};

TEST(PolicyNamedPorts, IngressResolvesOnTheLocalPod) {
    model.pods[0].ports = {{"http", 8080, state::Protocol::TCP}};  // x/a serves http on 8080
    auto p = policyIn("x", "http", {});
    p.ingress.push_back(state::PolicyRule{{}, {named("http")}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("any tcp 8080/16; host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
    STRCMP_EQUAL("any tcp 80/16; host any 0/0; ", entries(d, 2, Direction::Ingress).c_str());
}

TEST(PolicyNamedPorts, TheProtocolIsPartOfTheName) {
    auto p = policyIn("x", "dns-over-tcp", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{}, {named("dns", state::Protocol::TCP), named("dns", state::Protocol::UDP)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("any udp 53/16; host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyNamedPorts, AnUnknownNameAllowsNothing) {
    auto p = policyIn("x", "nothing", {{"pod", "a"}});
    p.ingress.push_back(state::PolicyRule{{}, {named("metrics")}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    CHECK(endpoint(d, 1)->ingressIsolated);
    STRCMP_EQUAL("host any 0/0; ", entries(d, 1, Direction::Ingress).c_str());
}

TEST(PolicyNamedPorts, EgressResolvesOnTheDestinationPods) {
    model.pods[3].ports = {{"http", 8081, state::Protocol::TCP}};  // y/b
    auto p = policyIn("x", "egress", {{"pod", "a"}}, {PolicyType::Egress});
    p.egress.push_back(state::PolicyRule{{namespacePeer({{"ns", "y"}})}, {named("http")}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("y/a tcp 80/16; y/b tcp 8081/16; ", entries(d, 1, Direction::Egress).c_str());
}

TEST(PolicyNamedPorts, EgressToAnyoneNamesEachPodIdentity) {
    model.pods[3].ports = {{"http", 8081, state::Protocol::TCP}};
    auto p = policyIn("x", "egress", {{"pod", "a"}}, {PolicyType::Egress});
    p.egress.push_back(state::PolicyRule{{}, {named("http")}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("x/a tcp 80/16; x/b tcp 80/16; y/a tcp 80/16; y/b tcp 8081/16; ",
                 entries(d, 1, Direction::Egress).c_str());
}

TEST(PolicyNamedPorts, EgressToAnIpBlockNamesThePodsInIt) {
    auto p = policyIn("x", "egress", {{"pod", "a"}}, {PolicyType::Egress});
    state::PolicyPeer peer;
    peer.ipBlock = state::IpBlock{*IpPrefix::parse("10.0.2.0/24"), {}};
    p.egress.push_back(state::PolicyRule{{peer}, {named("dns", state::Protocol::UDP)}});
    model.networkPolicies.push_back(p);
    auto d = compile();
    STRCMP_EQUAL("cidr:10.0.2.0/24 udp 53/16; ", entries(d, 1, Direction::Egress).c_str());
}
