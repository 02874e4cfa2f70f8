// PolicyAttribution: every NetworkPolicy that allows a connection, for the
// pods of this node, on the model of observe_test_model.h.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include "observe/policy_attribution.h"
#include "observe_test_model.h"

using namespace nodeplane;
using namespace nodeplane::observe;
using nodeplane::observe::test::clusterModel;
using nodeplane::observe::test::ip;

namespace {

const char* const kWeb = "10.200.1.10";

// "shop/allow-frontend,shop/allow-team-web", or "" for none.
std::string names(const std::vector<PolicyRef>& refs) {
    std::string out;
    for (const auto& r : refs) {
        out += out.empty() ? "" : ",";
        out += r.namespace_ + "/" + r.name;
        if (r.kind != "NetworkPolicy") out += "(" + r.kind + ")";
    }
    return out;
}

}  // namespace

TEST_GROUP(PolicyAttribution) {
    state::Model model = clusterModel();

    std::string ingress(const char* remote, std::uint8_t protocol, std::uint16_t port, const char* local = kWeb) {
        PolicyAttribution attribution(model);
        return names(attribution.allowingPolicies(ip(local), PolicyDirection::Ingress, ip(remote), protocol, port));
    }
    std::string egress(const char* remote, std::uint8_t protocol, std::uint16_t port, const char* local = kWeb) {
        PolicyAttribution attribution(model);
        return names(attribution.allowingPolicies(ip(local), PolicyDirection::Egress, ip(remote), protocol, port));
    }
};

TEST(PolicyAttribution, EveryPolicyThatAllowsSortedByName) {
    // allow-frontend (named port http = 8080) and allow-team-web (frontend-0's
    // namespace is team=web, every port); deny-all selects web but allows nothing.
    STRCMP_EQUAL("shop/allow-frontend,shop/allow-team-web", ingress("10.200.2.20", IPPROTO_TCP, 8080).c_str());
}

TEST(PolicyAttribution, OnlyThePoliciesWhosePortsMatch) {
    STRCMP_EQUAL("shop/allow-team-web", ingress("10.200.2.20", IPPROTO_TCP, 8081).c_str());
    // allow-frontend's named port is TCP.
    STRCMP_EQUAL("shop/allow-team-web", ingress("10.200.2.20", IPPROTO_UDP, 8080).c_str());
    // A rule without ports allows every protocol, ICMP too.
    STRCMP_EQUAL("shop/allow-team-web", ingress("10.200.2.20", IPPROTO_ICMP, 0).c_str());
}

TEST(PolicyAttribution, NamespaceSelectorDoesNotMatchOtherNamespaces) {
    STRCMP_EQUAL("", ingress("10.200.2.30", IPPROTO_TCP, 8080).c_str());
}

TEST(PolicyAttribution, IpBlockWithExceptAndPortRange) {
    STRCMP_EQUAL("shop/allow-office", ingress("192.168.1.5", IPPROTO_TCP, 9000).c_str());
    STRCMP_EQUAL("shop/allow-office", ingress("192.168.1.5", IPPROTO_TCP, 9050).c_str());
    STRCMP_EQUAL("shop/allow-office", ingress("192.168.1.5", IPPROTO_TCP, 9100).c_str());
    STRCMP_EQUAL("", ingress("192.168.1.5", IPPROTO_TCP, 8999).c_str());
    STRCMP_EQUAL("", ingress("192.168.1.5", IPPROTO_TCP, 9101).c_str());
    STRCMP_EQUAL("", ingress("192.168.99.5", IPPROTO_TCP, 9050).c_str());  // except
    STRCMP_EQUAL("", ingress("10.9.9.9", IPPROTO_TCP, 9050).c_str());
}

TEST(PolicyAttribution, NodeAddressesAreInIpBlocksToo) {
    // node-b (and its hostNetwork pod's address) is in 192.168.0.0/16.
    STRCMP_EQUAL("shop/allow-office", ingress("192.168.50.3", IPPROTO_TCP, 9050).c_str());
    STRCMP_EQUAL("shop/allow-office", ingress("192.168.50.9", IPPROTO_TCP, 9050).c_str());
}

TEST(PolicyAttribution, Egress) {
    // web-egress-dns: UDP 53 to pods of any namespace.
    STRCMP_EQUAL("shop/web-egress-dns", egress("10.200.2.30", IPPROTO_UDP, 53).c_str());
    STRCMP_EQUAL("", egress("10.200.2.30", IPPROTO_TCP, 53).c_str());
    // namespaceSelector {} selects pods, not addresses outside the cluster.
    STRCMP_EQUAL("", egress("8.8.8.8", IPPROTO_UDP, 53).c_str());
    // Ingress rules say nothing about egress.
    STRCMP_EQUAL("", egress("10.200.2.20", IPPROTO_TCP, 8080).c_str());
}

TEST(PolicyAttribution, LocalPodByEitherAddress) {
    // The IPv6 address is web's too; no rule names an IPv6 remote yet...
    PolicyAttribution attribution(model);
    CHECK(attribution.allowingPolicies(ip("fd00:200::10"), PolicyDirection::Ingress, ip("fd00::99"), IPPROTO_TCP, 9050)
              .empty());
    // ... and an ipBlock of that family would name it.
    model.networkPolicies[2].ingress[0].peers[0].ipBlock = state::IpBlock{*IpPrefix::parse("fd00::/64"), {}};
    PolicyAttribution v6(model);
    STRCMP_EQUAL("shop/allow-office",
                 names(v6.allowingPolicies(ip("fd00:200::10"), PolicyDirection::Ingress, ip("fd00::99"), IPPROTO_TCP,
                                           9050))
                     .c_str());
}

TEST(PolicyAttribution, OnlyPodsOfThisNode) {
    // frontend-0 and debug run on node-b: their verdicts are node-b's to name.
    STRCMP_EQUAL("", ingress("10.200.1.10", IPPROTO_TCP, 80, "10.200.2.30").c_str());
    // Not a pod at all.
    STRCMP_EQUAL("", ingress("10.200.2.20", IPPROTO_TCP, 8080, "192.168.50.2").c_str());
}

TEST(PolicyAttribution, PolicyOfAnotherNamespaceDoesNotSelect) {
    // quiet/q is selected by no policy.
    STRCMP_EQUAL("", ingress("10.200.2.20", IPPROTO_TCP, 8080, "10.200.1.40").c_str());
}

TEST(PolicyAttribution, AStateWithoutPolicies) {
    model.networkPolicies.clear();
    STRCMP_EQUAL("", ingress("10.200.2.20", IPPROTO_TCP, 8080).c_str());
}

TEST(PolicyAttribution, LoggingAnnotation) {
    PolicyAttribution attribution(model);
    CHECK(attribution.loggingEnabled(PolicyRef{"allow-frontend", "shop"}));
    CHECK(attribution.loggingEnabled(PolicyRef{"tools-open", "tools"}));
    CHECK_FALSE(attribution.loggingEnabled(PolicyRef{"web-egress-dns", "shop"}));  // "false"
    CHECK_FALSE(attribution.loggingEnabled(PolicyRef{"allow-team-web", "shop"}));  // none
    CHECK_FALSE(attribution.loggingEnabled(PolicyRef{"allow-frontend", "tools"}));  // another namespace
    CHECK_FALSE(attribution.loggingEnabled(PolicyRef{"gone", "shop"}));
}
