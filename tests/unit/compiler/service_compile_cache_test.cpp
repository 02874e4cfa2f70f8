// The compile cache: a service whose inputs did not change is not compiled
// again, and every result is exactly compileServices()'s.
#include <CppUTest/TestHarness.h>

#include "compiler/service_compile_cache.h"

using namespace nodeplane;
using namespace nodeplane::compiler;

namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

state::Service service(const char* ns, const char* name, const char* clusterIp) {
    state::Service s;
    s.namespace_ = ns;
    s.name = name;
    s.clusterIPs = {ip(clusterIp)};
    s.ports = {state::ServicePort{.name = "http", .port = 80, .targetPort = std::uint16_t{8080}}};
    return s;
}

state::EndpointSlice slice(const char* ns, const char* name, const char* svc, std::vector<const char*> addresses) {
    state::EndpointSlice s;
    s.namespace_ = ns;
    s.name = name;
    s.service = svc;
    s.ports = {state::EndpointPort{.name = "http", .port = 8080}};
    for (const auto* a : addresses) {
        state::Endpoint e;
        e.addresses = {ip(a)};
        e.nodeName = "node-b";
        s.endpoints.push_back(e);
    }
    return s;
}

// Three services, listed out of order, one of them in a namespace whose name
// sorts differently as "ns/name" than as (ns, name).
state::Model model() {
    state::Model m;
    m.node = "node-a";
    m.nodes.push_back(state::Node{.name = "node-a", .addresses = {ip("192.168.0.2")}});
    m.services = {service("shop", "web", "10.96.0.10"), service("a-b", "db", "10.96.0.30"),
                  service("a", "api", "10.96.0.20")};
    m.endpointSlices = {slice("shop", "web-2", "web", {"10.200.2.12"}), slice("shop", "web-1", "web", {"10.200.2.11"}),
                        slice("a", "api-1", "api", {"10.200.3.10", "10.200.3.11"}),
                        slice("a-b", "db-1", "db", {"10.200.4.10"})};
    return m;
}

}  // namespace

TEST_GROUP(ServiceCompileCache) {
    ServiceCompileCache cache;
    ServiceLimits limits;

    // The cache's answer is compileServices()'s, errors and warnings too.
    const ServicesResult& compileAndCompare(const state::Model& m) {
        const auto& cached = cache.compile(m, limits);
        auto fresh = compileServices(m, limits);
        CHECK(fresh.desired == cached.desired);
        STRCMP_EQUAL(formatInputErrors(fresh.errors).c_str(), formatInputErrors(cached.errors).c_str());
        STRCMP_EQUAL(formatInputErrors(fresh.warnings).c_str(), formatInputErrors(cached.warnings).c_str());
        return cached;
    }
};

TEST(ServiceCompileCache, TheSameStateIsNotCompiledAgain) {
    auto m = model();
    const auto& first = compileAndCompare(m);
    LONGS_EQUAL(3, cache.lastCompiled());
    LONGS_EQUAL(3, first.desired.ports.size());
    STRCMP_EQUAL("a/api", first.desired.ports[0].service.c_str());
    const auto& second = compileAndCompare(m);
    LONGS_EQUAL(0, cache.lastCompiled());
    LONGS_EQUAL(3, second.desired.ports.size());
    LONGS_EQUAL(5, second.desired.backendEntries);
}

TEST(ServiceCompileCache, OnlyTheServiceWhoseSliceChangedIsCompiled) {
    auto m = model();
    compileAndCompare(m);
    m.endpointSlices[1].endpoints[0].conditions.ready = false;
    compileAndCompare(m);
    LONGS_EQUAL(1, cache.lastCompiled());
    m.endpointSlices.push_back(slice("shop", "web-3", "web", {"10.200.2.13"}));
    const auto& grown = compileAndCompare(m);
    LONGS_EQUAL(1, cache.lastCompiled());
    LONGS_EQUAL(5, grown.desired.backendEntries);  // web-1's is not ready
    m.services[1].ports[0].port = 5432;
    compileAndCompare(m);
    LONGS_EQUAL(1, cache.lastCompiled());
}

TEST(ServiceCompileCache, ServicesComeAndGo) {
    auto m = model();
    compileAndCompare(m);
    m.services.erase(m.services.begin());  // shop/web; its slices stay, unused
    const auto& fewer = compileAndCompare(m);
    LONGS_EQUAL(0, cache.lastCompiled());
    LONGS_EQUAL(2, fewer.desired.ports.size());
    m.services.push_back(service("shop", "web", "10.96.0.10"));
    compileAndCompare(m);
    LONGS_EQUAL(1, cache.lastCompiled());
}

TEST(ServiceCompileCache, ANodeChangeCompilesEverything) {
    auto m = model();
    compileAndCompare(m);
    m.nodes[0].addresses.push_back(ip("10.0.0.2"));
    compileAndCompare(m);
    LONGS_EQUAL(3, cache.lastCompiled());
    m.nodes[0].labels["topology.kubernetes.io/zone"] = "zone-a";
    compileAndCompare(m);
    LONGS_EQUAL(3, cache.lastCompiled());
}

// A frontend two services claim goes to the first by (namespace, name),
// with a warning, whichever of them was compiled last.
TEST(ServiceCompileCache, SharedFrontendsAndLimitsAreDecidedOverEveryService) {
    auto m = model();
    m.services[0].externalIPs = {ip("198.51.100.7")};
    m.services[2].externalIPs = {ip("198.51.100.7")};
    compileAndCompare(m);
    m.services[0].externalIPs.clear();
    const auto& alone = compileAndCompare(m);
    CHECK(alone.warnings.empty());
    LONGS_EQUAL(1, cache.lastCompiled());

    limits.maxBackendEntries = 4;
    const auto& full = compileAndCompare(m);
    LONGS_EQUAL(0, cache.lastCompiled());
    CHECK_FALSE(full.ok());
    limits.maxBackendEntries = 5;
    limits.maxServices = 2;
    CHECK_FALSE(compileAndCompare(m).ok());
}
