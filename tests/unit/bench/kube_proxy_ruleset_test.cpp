#include <CppUTest/TestHarness.h>

#include <sstream>
#include <string>

#include "baseline/kube_proxy_ruleset.h"

using namespace nodeplane::bench;

namespace {

int countLines(const std::string& text, const std::string& prefix) {
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) ++n;
    return n;
}

}  // namespace

TEST_GROUP(KubeProxyRuleset){};

TEST(KubeProxyRuleset, OneServiceChainPerServiceAndOneEndpointChainPerEndpoint) {
    auto services = syntheticServices(3, 2, {});
    auto rules = kubeProxyRuleset(services);
    LONGS_EQUAL(3, countLines(rules, ":KUBE-SVC-"));
    LONGS_EQUAL(6, countLines(rules, ":KUBE-SEP-"));
    // Dispatch: one rule per service plus the final NodePorts hand-off.
    LONGS_EQUAL(4, countLines(rules, "-A KUBE-SERVICES "));
    LONGS_EQUAL(6, countLines(rules, "-A KUBE-SEP-") / 2);
    CHECK(rules.rfind("COMMIT\n") == rules.size() - 7);
}

TEST(KubeProxyRuleset, EndpointsArePickedWithKubeProxysProbabilities) {
    BaselineService s{"a/b:http", "10.96.0.1", 80, {"10.1.0.1:80", "10.1.0.2:80", "10.1.0.3:80"}};
    auto rules = kubeProxyRuleset({s});
    CHECK(rules.find("--probability 0.33333333333 -j KUBE-SEP-") != std::string::npos);
    CHECK(rules.find("--probability 0.50000000000 -j KUBE-SEP-") != std::string::npos);
    // The last endpoint takes what is left, unconditionally.
    LONGS_EQUAL(2, countLines(rules, "-A " + chainName("KUBE-SVC-", "a/b:http/tcp") + " -m comment") -
                       countLines(rules, "-A " + chainName("KUBE-SVC-", "a/b:http/tcp") + " -m comment --comment "
                                         "\"a/b:http -> 10.1.0.3:80\" -j"));
    CHECK(rules.find("-j DNAT --to-destination 10.1.0.3:80") != std::string::npos);
}

TEST(KubeProxyRuleset, RealServicesComeLastInTheDispatchList) {
    auto services = syntheticServices(100, 1, {{"bench/real:http", "10.96.200.1", 80, {"10.200.1.11:8080"}}});
    auto rules = kubeProxyRuleset(services);
    auto real = rules.find("-A KUBE-SERVICES -d 10.96.200.1/32");
    auto lastSynthetic = rules.find("-A KUBE-SERVICES -d 10.96.0.100/32");
    CHECK(real != std::string::npos);
    CHECK(lastSynthetic != std::string::npos);
    CHECK(real > lastSynthetic);
}

TEST(KubeProxyRuleset, ChainNamesAreKubeProxySizedAndDistinct) {
    auto a = chainName("KUBE-SVC-", "x/y:http/tcp");
    auto b = chainName("KUBE-SVC-", "x/y:https/tcp");
    LONGS_EQUAL(25, a.size());  // iptables' limit is 28
    CHECK(a != b);
    STRCMP_EQUAL(a.c_str(), chainName("KUBE-SVC-", "x/y:http/tcp").c_str());
}

TEST(KubeProxyRuleset, SyntheticServicesHaveUniqueAddresses) {
    auto services = syntheticServices(10000, 1, {});
    LONGS_EQUAL(10000, services.size());
    STRCMP_EQUAL("10.96.0.1", services[0].clusterIp.c_str());
    STRCMP_EQUAL("10.96.39.250", services[9999].clusterIp.c_str());
}
