#include <CppUTest/TestHarness.h>

#include "compiler/endpoint_categories.h"

using namespace nodeplane;
using namespace nodeplane::compiler;

namespace {

struct Ep {
    const char* ip;
    bool ready = true;
    bool serving = true;
    bool terminating = false;
    bool local = false;
    std::vector<std::string> hints = {};
};

std::vector<ServiceBackend> eps(std::vector<Ep> list) {
    std::vector<ServiceBackend> out;
    for (const auto& e : list) {
        ServiceBackend b;
        b.ip = *IpAddress::parse(e.ip);
        b.port = 80;
        b.ready = e.ready;
        b.serving = e.serving;
        b.terminating = e.terminating;
        b.local = e.local;
        b.zoneHints = e.hints;
        out.push_back(b);
    }
    return out;
}

std::string ips(const std::vector<ServiceBackend>& list) {
    std::string out;
    for (const auto& b : list) out += (out.empty() ? "" : " ") + b.ip.toString();
    return out;
}

const TrafficPolicies kCluster{};
const TrafficPolicies kInternalLocal{.internalLocal = true};
const TrafficPolicies kExternalLocal{.externalLocal = true, .externallyAccessible = true};

}  // namespace

TEST_GROUP(CategorizeEndpoints){};

// Serving terminating endpoints no set lists are held for their
// established flows; not serving ones and remote ones a Local-only port
// never used are not.
TEST(CategorizeEndpoints, TerminatingEndpointsOutsideTheSetsAreHeld) {
    auto list = eps({{"10.0.0.1"},
                     {"10.0.0.4", false, true, true},
                     {"10.0.0.2", false, true, true, true},
                     {"10.0.0.3", false, false, true}});
    auto c = categorizeEndpoints(list, kCluster, "");
    STRCMP_EQUAL("10.0.0.1", ips(c.cluster).c_str());
    STRCMP_EQUAL("10.0.0.2 10.0.0.4", ips(c.terminating).c_str());

    c = categorizeEndpoints(list, kInternalLocal, "");
    STRCMP_EQUAL("10.0.0.2", ips(c.local).c_str());  // KEP-1669: no local Ready one
    CHECK(c.terminating.empty());

    // In the fallback set they are not held twice.
    c = categorizeEndpoints(eps({{"10.0.0.2", false, true, true}}), kCluster, "");
    STRCMP_EQUAL("10.0.0.2", ips(c.cluster).c_str());
    CHECK(c.terminating.empty());
}

TEST(CategorizeEndpoints, NoEndpointsMeansNothingAnywhere) {
    auto c = categorizeEndpoints({}, kCluster, "");
    CHECK(c.cluster.empty());
    CHECK_FALSE(c.hasAnyEndpoints);
}

TEST(CategorizeEndpoints, ReadyEndpointsWinOverTerminating) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1"}, {"10.0.0.2", false, true, true}, {"10.0.0.3", false, false, false}}),
                                 kCluster, "");
    STRCMP_EQUAL("10.0.0.1", ips(c.cluster).c_str());
    CHECK(c.hasAnyEndpoints);
    CHECK(c.local.empty());
}

TEST(CategorizeEndpoints, ServingTerminatingFallbackWhenNoneReady) {
    auto c = categorizeEndpoints(
        eps({{"10.0.0.2", false, true, true}, {"10.0.0.3", false, false, true}, {"10.0.0.4", false, true, false}}),
        kCluster, "");
    // Not-serving terminating and serving-but-not-terminating (merely not ready) are never used.
    STRCMP_EQUAL("10.0.0.2", ips(c.cluster).c_str());
    CHECK(c.hasAnyEndpoints);
}

TEST(CategorizeEndpoints, NothingUsableAnywhere) {
    auto c = categorizeEndpoints(eps({{"10.0.0.3", false, false, true}}), kInternalLocal, "");
    CHECK(c.local.empty());
    CHECK_FALSE(c.hasAnyEndpoints);
}

TEST(CategorizeEndpoints, InternalLocalUsesOnlyLocalAndNoClusterSet) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, true}, {"10.0.0.2"}}), kInternalLocal, "");
    STRCMP_EQUAL("10.0.0.1", ips(c.local).c_str());
    CHECK(c.cluster.empty());  // a ClusterIP-only iTP Local service never uses Cluster policy
    STRCMP_EQUAL("10.0.0.1", ips(c.allReachable).c_str());
}

TEST(CategorizeEndpoints, LocalPolicyWithEndpointsOnlyElsewhereStillHasEndpoints) {
    auto c = categorizeEndpoints(eps({{"10.0.0.2"}}), kInternalLocal, "");
    CHECK(c.local.empty());
    CHECK(c.hasAnyEndpoints);  // → DROP, not REJECT
}

TEST(CategorizeEndpoints, LocalFallbackIsIndependentOfCluster) {
    // A remote endpoint is Ready, the local one only serving+terminating:
    // cluster uses the Ready one, local falls back to the terminating one.
    auto c = categorizeEndpoints(eps({{"10.0.0.1", false, true, true, true}, {"10.0.0.2"}}), kExternalLocal, "");
    STRCMP_EQUAL("10.0.0.2", ips(c.cluster).c_str());
    STRCMP_EQUAL("10.0.0.1", ips(c.local).c_str());
    STRCMP_EQUAL("10.0.0.1 10.0.0.2", ips(c.allReachable).c_str());
}

TEST(CategorizeEndpoints, ZoneHintsUsedWhenEveryReadyEndpointHasOne) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, false, {"a"}},
                                      {"10.0.0.2", true, true, false, false, {"b"}},
                                      {"10.0.0.3", false, false, false, false, {}}}),  // not ready: hint not needed
                                 kCluster, "a");
    CHECK(c.topology == TopologyMode::PreferSameZone);
    STRCMP_EQUAL("10.0.0.1", ips(c.cluster).c_str());
}

TEST(CategorizeEndpoints, ZoneHintsIgnoredWhenAReadyEndpointHasNone) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, false, {"a"}}, {"10.0.0.2"}}), kCluster, "a");
    CHECK(c.topology == TopologyMode::None);
    STRCMP_EQUAL("10.0.0.1 10.0.0.2", ips(c.cluster).c_str());
}

TEST(CategorizeEndpoints, ZoneHintsIgnoredWhenNoneIsForThisZone) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, false, {"b"}}}), kCluster, "a");
    STRCMP_EQUAL("10.0.0.1", ips(c.cluster).c_str());
}

TEST(CategorizeEndpoints, ZoneHintsIgnoredWhenTheNodeHasNoZone) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, false, {"a"}},
                                      {"10.0.0.2", true, true, false, false, {"b"}}}),
                                 kCluster, "");
    STRCMP_EQUAL("10.0.0.1 10.0.0.2", ips(c.cluster).c_str());
}

TEST(CategorizeEndpoints, TopologyDoesNotFilterTheLocalSet) {
    auto c = categorizeEndpoints(eps({{"10.0.0.1", true, true, false, true, {"b"}},
                                      {"10.0.0.2", true, true, false, false, {"a"}}}),
                                 kExternalLocal, "a");
    STRCMP_EQUAL("10.0.0.2", ips(c.cluster).c_str());
    STRCMP_EQUAL("10.0.0.1", ips(c.local).c_str());
    STRCMP_EQUAL("10.0.0.1 10.0.0.2", ips(c.allReachable).c_str());  // merged: topology hid the local one
}
