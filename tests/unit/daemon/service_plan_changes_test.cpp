// Planning only the services that changed: the delta, applied to the maps
// of the last plan, gives exactly what a whole plan with the same ids gives,
// and holds nothing of the services that did not change.
#include <CppUTest/TestHarness.h>

#include <set>
#include <string>

#include "compiler/services.h"
#include "daemon/service_plan.h"

using namespace nodeplane;
using namespace nodeplane::daemon;

namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

state::Service service(const char* name, const char* clusterIp) {
    state::Service s;
    s.namespace_ = "shop";
    s.name = name;
    s.clusterIPs = {ip(clusterIp)};
    s.ports = {state::ServicePort{.name = "http", .port = 80, .targetPort = std::uint16_t{8080}}};
    return s;
}

state::EndpointSlice slice(const char* svc, int first, int count, const char* node = "node-b") {
    state::EndpointSlice s;
    s.namespace_ = "shop";
    s.name = std::string(svc) + "-1";
    s.service = svc;
    s.ports = {state::EndpointPort{.name = "http", .port = 8080}};
    for (int i = 0; i < count; ++i) {
        state::Endpoint e;
        e.addresses = {ip(("10.200.0." + std::to_string(first + i)).c_str())};
        e.nodeName = node;
        s.endpoints.push_back(e);
    }
    return s;
}

// web: a ClusterIP with two endpoints; api: a LoadBalancer with a NodePort,
// source ranges and an endpoint on this node; db: a ClusterIP without any.
state::Model model() {
    state::Model m;
    m.node = "node-a";
    m.nodes.push_back(state::Node{.name = "node-a", .addresses = {ip("192.168.0.2"), ip("192.168.1.2")}});
    auto api = service("api", "10.96.0.20");
    api.type = state::ServiceType::LoadBalancer;
    api.ports[0].nodePort = 30080;
    api.loadBalancerIPs = {ip("203.0.113.5")};
    api.loadBalancerSourceRanges = {*IpPrefix::parse("198.51.100.0/24")};
    m.services = {service("web", "10.96.0.10"), api, service("db", "10.96.0.30")};
    m.endpointSlices = {slice("web", 10, 2), slice("api", 20, 3, "node-a")};
    return m;
}

const std::vector<IpAddress> kNodeAddresses{ip("192.168.0.2"), ip("192.168.1.2")};

// What maps holding `m` hold once `d` is applied to them.
ServiceMaps applied(ServiceMaps m, const ServiceMapsDelta& d) {
    for (const auto& [k, v] : d.write.frontends) m.frontends.insert_or_assign(k, v);
    for (const auto& [k, v] : d.write.backendSets) m.backendSets.insert_or_assign(k, v);
    for (const auto& [k, v] : d.write.backends) m.backends.insert_or_assign(k, v);
    for (const auto& [k, v] : d.write.revNat) m.revNat.insert_or_assign(k, v);
    m.sourceRanges.insert(d.write.sourceRanges.begin(), d.write.sourceRanges.end());
    for (const auto& k : d.frontendsGone) m.frontends.erase(k);
    for (const auto& k : d.backendSetsGone) m.backendSets.erase(k);
    for (const auto& k : d.backendsGone) m.backends.erase(k);
    for (const auto& k : d.revNatGone) m.revNat.erase(k);
    for (const auto& k : d.sourceRangesGone) m.sourceRanges.erase(k);
    return m;
}

}  // namespace

TEST_GROUP(ServicePlanChanges) {
    ServiceIds ids;
    ServiceMaps current;
    compiler::ServicesResult compiled;

    void setup() override {
        compiled = compiler::compileServices(model(), {});
        current = planServiceMaps(compiled.desired, kNodeAddresses, ids);
    }

    // Plans `changed` of `m` as a delta, checks it against a whole plan with
    // the same ids, and makes the result the current maps.
    ServiceMapsDelta change(const state::Model& m, std::set<std::string> changed) {
        compiled = compiler::compileServices(m, {});
        auto delta = planServiceChanges(compiled.desired, kNodeAddresses, changed, current, ids);
        CHECK_TEXT(delta.has_value(), "a whole plan was asked for");
        if (!delta) return {};
        const ServiceMaps patched = applied(current, *delta);
        const ServiceMaps whole = planServiceMaps(compiled.desired, kNodeAddresses, ids);
        CHECK_TEXT(patched == whole, "the delta does not give the whole plan's maps");
        current = whole;
        return *delta;
    }
};

TEST(ServicePlanChanges, OneEndpointMoreWritesOneBackendAndFlipsOneSet) {
    auto m = model();
    m.endpointSlices[0] = slice("web", 10, 3);
    auto delta = change(m, {"shop/web"});
    LONGS_EQUAL(1, delta.write.backends.size());
    STRCMP_EQUAL("10.200.0.12", delta.write.backends.begin()->second.address.toString().c_str());
    LONGS_EQUAL(1, delta.write.backendSets.size());
    LONGS_EQUAL(3, delta.write.backendSets.begin()->second.size());
    CHECK(delta.write.frontends.empty());
    CHECK(delta.write.revNat.empty());
    CHECK(delta.frontendsGone.empty());
    CHECK(delta.backendsGone.empty());
}

TEST(ServicePlanChanges, AnEndpointLessGoesWithItsBackend) {
    auto m = model();
    m.endpointSlices[0] = slice("web", 10, 1);
    auto delta = change(m, {"shop/web"});
    CHECK(delta.write.backends.empty());
    LONGS_EQUAL(1, delta.write.backendSets.size());
    LONGS_EQUAL(1, delta.backendsGone.size());
}

// What kubelet publishes while a pod shuts down.
void terminate(state::Endpoint& e, bool serving = true) {
    e.conditions = {.ready = false, .serving = serving, .terminating = true};
}

datapath::BackendId idOf(const ServiceMaps& maps, const char* address) {
    for (const auto& [id, b] : maps.backends)
        if (b.address == ip(address)) return id;
    return 0;
}

TEST(ServicePlanChanges, ATerminatingEndpointLeavesTheSetButKeepsItsBackend) {
    const datapath::BackendId id = idOf(current, "10.200.0.10");
    CHECK(id != 0);
    auto m = model();
    terminate(m.endpointSlices[0].endpoints[0]);
    auto delta = change(m, {"shop/web"});
    // New connections choose among the Ready one only...
    LONGS_EQUAL(1, delta.write.backendSets.size());
    LONGS_EQUAL(1, delta.write.backendSets.begin()->second.size());
    CHECK(delta.write.backendSets.begin()->second[0] == idOf(current, "10.200.0.11"));
    // ...while its established flows keep their backend, id and all: no cut.
    CHECK(delta.backendsGone.empty());
    LONGS_EQUAL(id, idOf(current, "10.200.0.10"));
    CHECK(current.backends.at(id).terminating);
    LONGS_EQUAL(1, delta.write.backends.size());  // its flag, under the same id

    // Gone from the slice: now its entry and its flows go.
    m.endpointSlices[0].endpoints.erase(m.endpointSlices[0].endpoints.begin());
    delta = change(m, {"shop/web"});
    LONGS_EQUAL(1, delta.backendsGone.size());
    LONGS_EQUAL(id, *delta.backendsGone.begin());
    CHECK(delta.write.backendSets.empty());
}

TEST(ServicePlanChanges, ATerminatingEndpointThatStopsServingGoes) {
    const datapath::BackendId id = idOf(current, "10.200.0.10");
    auto m = model();
    terminate(m.endpointSlices[0].endpoints[0]);
    (void)change(m, {"shop/web"});
    terminate(m.endpointSlices[0].endpoints[0], false);
    auto delta = change(m, {"shop/web"});
    LONGS_EQUAL(1, delta.backendsGone.size());
    LONGS_EQUAL(id, *delta.backendsGone.begin());
}

// KEP-1669: with no Ready endpoint left the terminating ones take new
// connections again; moving between the held list and the set keeps the id.
TEST(ServicePlanChanges, AHeldEndpointBecomingTheFallbackKeepsItsId) {
    const datapath::BackendId held = idOf(current, "10.200.0.10");
    auto m = model();
    terminate(m.endpointSlices[0].endpoints[0]);
    (void)change(m, {"shop/web"});
    m.endpointSlices[0].endpoints.pop_back();  // the Ready one goes
    auto delta = change(m, {"shop/web"});
    LONGS_EQUAL(1, delta.backendsGone.size());
    CHECK(*delta.backendsGone.begin() != held);
    LONGS_EQUAL(1, delta.write.backendSets.size());
    LONGS_EQUAL(1, delta.write.backendSets.begin()->second.size());
    LONGS_EQUAL(held, delta.write.backendSets.begin()->second[0]);
    CHECK(delta.write.backends.empty());
}

TEST(ServicePlanChanges, AFallbackEndpointTurningHeldKeepsItsId) {
    auto m = model();
    terminate(m.endpointSlices[0].endpoints[0]);
    terminate(m.endpointSlices[0].endpoints[1]);
    (void)change(m, {"shop/web"});
    const datapath::BackendId id = idOf(current, "10.200.0.10");
    // A Ready endpoint comes back: the terminating ones leave the set only.
    m.endpointSlices[0].endpoints.push_back(slice("web", 12, 1).endpoints[0]);
    auto delta = change(m, {"shop/web"});
    CHECK(delta.backendsGone.empty());
    LONGS_EQUAL(id, idOf(current, "10.200.0.10"));
    LONGS_EQUAL(1, delta.write.backendSets.begin()->second.size());
}

TEST(ServicePlanChanges, ARemovedServiceTakesItsHeldBackendsWithIt) {
    auto m = model();
    terminate(m.endpointSlices[0].endpoints[0]);
    (void)change(m, {"shop/web"});
    const datapath::BackendId id = idOf(current, "10.200.0.10");
    m.services.erase(m.services.begin());
    m.endpointSlices.erase(m.endpointSlices.begin());
    auto delta = change(m, {"shop/web"});
    CHECK(delta.backendsGone.contains(id));
    LONGS_EQUAL(0, idOf(current, "10.200.0.10"));
}

TEST(ServicePlanChanges, AServiceThatDidNotChangeIsNotWritten) {
    auto delta = change(model(), {"shop/web"});
    CHECK(delta.empty());
}

TEST(ServicePlanChanges, ARemovedServiceTakesEverythingItOwnedWithIt) {
    auto m = model();
    m.services.erase(m.services.begin() + 1);
    m.endpointSlices.erase(m.endpointSlices.begin() + 1);
    auto delta = change(m, {"shop/api"});
    // Internal and external: the LB IP, the NodePort on two node addresses;
    // internal only: the ClusterIP; and its port 0 frontends (TCP, UDP).
    LONGS_EQUAL(2 + 2 * 2 + 1 + 2, delta.frontendsGone.size());
    LONGS_EQUAL(3, delta.backendsGone.size());
    LONGS_EQUAL(1, delta.sourceRangesGone.size());
    CHECK(delta.write.frontends.empty());
    // Cluster and Local sets (eTP and iTP are Cluster, but the Local one is
    // planned only when a rule uses it).
    CHECK(delta.backendSetsGone.size() >= 1);
    CHECK(ids.byService.find("shop/api") == ids.byService.end());
}

TEST(ServicePlanChanges, AnAddedServiceGetsItsEntries) {
    auto m = model();
    m.services.push_back(service("cart", "10.96.0.40"));
    m.endpointSlices.push_back(slice("cart", 40, 2));
    auto delta = change(m, {"shop/cart"});
    LONGS_EQUAL(1 + 2, delta.write.frontends.size());  // 10.96.0.40:80, and port 0 TCP and UDP
    LONGS_EQUAL(2, delta.write.backends.size());
    LONGS_EQUAL(1, delta.write.revNat.size());
    CHECK(delta.frontendsGone.empty());
}

TEST(ServicePlanChanges, ChangedSourceRangesAreSwapped) {
    auto m = model();
    m.services[1].loadBalancerSourceRanges = {*IpPrefix::parse("192.0.2.0/24")};
    auto delta = change(m, {"shop/api"});
    LONGS_EQUAL(1, delta.write.sourceRanges.size());
    LONGS_EQUAL(1, delta.sourceRangesGone.size());
    CHECK(delta.write.frontends.empty());
}

TEST(ServicePlanChanges, ChangesOneAfterAnotherStayEqualToWholePlans) {
    auto m = model();
    for (int i = 1; i <= 4; ++i) {
        m.endpointSlices[1] = slice("api", 20, 3 + i % 2, i % 2 ? "node-a" : "node-b");
        change(m, {"shop/api"});
        m.endpointSlices[0] = slice("web", 10 + i, 2);
        change(m, {"shop/web"});
    }
}

TEST(ServicePlanChanges, AFrontendAnotherServiceHoldsNeedsAWholePlan) {
    auto m = model();
    // db takes web's ClusterIP as an external IP: who wins is a whole-state question.
    m.services[2].externalIPs = {ip("10.96.0.10")};
    m.services[2].ports[0].port = 80;
    compiled = compiler::compileServices(m, {});
    const auto plans = ids.plans;
    CHECK_FALSE(planServiceChanges(compiled.desired, kNodeAddresses, {"shop/db"}, current, ids).has_value());
    LONGS_EQUAL(plans, ids.plans);  // and the ids are untouched
}

TEST(ServicePlanChanges, FrontendsTheCompilerDroppedNeedWholePlansUntilTheyAreGone) {
    CHECK_FALSE(planServiceChanges(compiled.desired, kNodeAddresses, {"shop/web"}, current, ids, true).has_value());
    current = planServiceMaps(compiled.desired, kNodeAddresses, ids, true);
    CHECK_FALSE(planServiceChanges(compiled.desired, kNodeAddresses, {"shop/web"}, current, ids).has_value());
    current = planServiceMaps(compiled.desired, kNodeAddresses, ids);
    CHECK(planServiceChanges(compiled.desired, kNodeAddresses, {"shop/web"}, current, ids).has_value());
}

TEST(ServicePlanChanges, BeforeAnyWholePlanThereIsNothingToChange) {
    ServiceIds fresh;
    CHECK_FALSE(planServiceChanges(compiled.desired, kNodeAddresses, {"shop/web"}, current, fresh).has_value());
}

TEST(ServicePlanChanges, TheLastClusterIpGoingNeedsAWholePlan) {
    CHECK_FALSE(planServiceChanges(compiler::DesiredServices{}, kNodeAddresses, {"shop/web", "shop/api", "shop/db"},
                                   current, ids)
                    .has_value());
}
