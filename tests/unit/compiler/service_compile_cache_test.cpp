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
    const ServicesResult& compileAndCompare(const state::Model& m,
                                            const std::set<ServiceCompileCache::Key>* touched = nullptr) {
        const auto& cached = cache.compile(m, limits, touched);
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

// With the services a change touched, only those are looked at; the result
// is still the whole state's.
TEST(ServiceCompileCache, OnlyTheTouchedServicesAreLookedAt) {
    auto m = model();
    compileAndCompare(m);
    auto first = cache.takeChanged();
    CHECK(first.all);
    m.endpointSlices[0].endpoints[0].conditions.ready = false;  // shop/web-2
    const std::set<ServiceCompileCache::Key> web{{"shop", "web"}};
    compileAndCompare(m, &web);
    LONGS_EQUAL(1, cache.lastCompiled());
    auto changed = cache.takeChanged();
    CHECK_FALSE(changed.all);
    LONGS_EQUAL(1, changed.services.size());
    STRCMP_EQUAL("shop/web", changed.services.begin()->c_str());
    // Touched but equal: compared, not compiled, not changed.
    compileAndCompare(m, &web);
    LONGS_EQUAL(0, cache.lastCompiled());
    CHECK(cache.takeChanged().services.empty());
}

TEST(ServiceCompileCache, ChangesAddUpUntilTaken) {
    auto m = model();
    compileAndCompare(m);
    cache.takeChanged();
    m.services[1].ports[0].port = 5432;  // a-b/db
    const std::set<ServiceCompileCache::Key> db{{"a-b", "db"}};
    compileAndCompare(m, &db);
    m.services.erase(m.services.begin() + 2);  // a/api, with its slice
    m.endpointSlices.erase(m.endpointSlices.begin() + 2);
    const std::set<ServiceCompileCache::Key> api{{"a", "api"}};
    const auto& fewer = compileAndCompare(m, &api);
    LONGS_EQUAL(2, fewer.desired.ports.size());
    auto changed = cache.takeChanged();
    CHECK_FALSE(changed.all);
    CHECK((changed.services == std::set<std::string>{"a-b/db", "a/api"}));
}

TEST(ServiceCompileCache, ANodeChangeChangesAllEvenWhenOneServiceWasTouched) {
    auto m = model();
    compileAndCompare(m);
    cache.takeChanged();
    m.nodes[0].addresses.push_back(ip("10.0.0.2"));
    const std::set<ServiceCompileCache::Key> web{{"shop", "web"}};
    compileAndCompare(m, &web);
    LONGS_EQUAL(3, cache.lastCompiled());
    CHECK(cache.takeChanged().all);
}

// A change of backends only is patched into the last result; anything else
// assembles it again. Either way, and in any sequence, the result is
// compileServices()'s.
TEST(ServiceCompileCache, PatchedAndReassembledResultsFollowEachOther) {
    auto m = model();
    compileAndCompare(m);
    const std::set<ServiceCompileCache::Key> web{{"shop", "web"}}, api{{"a", "api"}}, cart{{"shop", "cart"}};
    m.endpointSlices[1].endpoints.push_back(m.endpointSlices[1].endpoints[0]);  // shop/web-1
    m.endpointSlices[1].endpoints.back().addresses = {ip("10.200.2.15")};
    LONGS_EQUAL(3, compileAndCompare(m, &web).desired.ports[2].endpoints.cluster.size());
    LONGS_EQUAL(1, cache.lastCompiled());
    m.endpointSlices[2].endpoints.pop_back();  // a/api-1: backends only again
    LONGS_EQUAL(5, compileAndCompare(m, &api).desired.backendEntries);
    // Every endpoint of web gone: its frontend now rejects, a reassembly.
    m.endpointSlices[0].endpoints.clear();
    m.endpointSlices[1].endpoints.clear();
    compileAndCompare(m, &web);
    // A service more, then a backend change of the one before it.
    m.services.push_back(service("shop", "cart", "10.96.0.40"));
    m.endpointSlices.push_back(slice("shop", "cart-1", "cart", {"10.200.5.10"}));
    compileAndCompare(m, &cart);
    m.endpointSlices[2].endpoints.push_back(m.endpointSlices[2].endpoints[0]);
    m.endpointSlices[2].endpoints.back().addresses = {ip("10.200.3.19")};
    const auto& last = compileAndCompare(m, &api);
    LONGS_EQUAL(1, cache.lastCompiled());
    LONGS_EQUAL(4, last.desired.ports.size());
}

TEST(ServiceCompileCache, APatchStaysWithinTheBackendLimit) {
    auto m = model();
    limits.maxBackendEntries = 5;
    CHECK(compileAndCompare(m).ok());
    m.endpointSlices[3].endpoints.push_back(m.endpointSlices[3].endpoints[0]);  // a-b/db-1
    m.endpointSlices[3].endpoints.back().addresses = {ip("10.200.4.11")};
    const std::set<ServiceCompileCache::Key> db{{"a-b", "db"}};
    CHECK_FALSE(compileAndCompare(m, &db).ok());
    m.endpointSlices[3].endpoints.pop_back();
    CHECK(compileAndCompare(m, &db).ok());
}

// Lines added above a service move it in its file: not compiled again,
// unless a refusal of it quotes where it is.
TEST(ServiceCompileCache, AServiceThatOnlyMovedIsNotCompiledAgain) {
    auto m = model();
    m.services[0].where = {"shop.toml", 10, 1};
    m.services[2].ports[0].protocol = state::Protocol::SCTP;  // a/api: refused
    m.services[2].where = {"a.toml", 3, 1};
    compileAndCompare(m);
    const std::set<ServiceCompileCache::Key> moved{{"shop", "web"}, {"a", "api"}};
    m.services[0].where.line = 14;
    m.endpointSlices[0].where.line = 30;
    m.services[2].where.line = 7;
    const auto& result = compileAndCompare(m, &moved);
    LONGS_EQUAL(1, cache.lastCompiled());  // a/api, whose refusal now says line 7
    STRCMP_CONTAINS("a.toml:7", formatInputErrors(result.errors).c_str());
}
