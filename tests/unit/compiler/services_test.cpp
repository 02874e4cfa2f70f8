#include <CppUTest/TestHarness.h>

#include <algorithm>

#include "compiler/service_flow.h"
#include "compiler/services.h"

using namespace nodeplane;
using namespace nodeplane::compiler;

namespace {

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

state::Endpoint endpoint(const char* addr, const char* node, bool ready = true) {
    state::Endpoint e;
    e.addresses = {ip(addr)};
    e.nodeName = node;
    e.conditions.ready = ready;
    e.conditions.serving = ready;
    return e;
}

state::Model baseModel() {
    state::Model m;
    m.node = "node-a";
    m.nodes.push_back(state::Node{.name = "node-a", .addresses = {ip("192.168.0.2"), ip("fd00:1::2")}});
    state::Service s;
    s.namespace_ = "shop";
    s.name = "web";
    s.clusterIPs = {ip("10.96.0.10")};
    s.ports = {state::ServicePort{.name = "http", .port = 80, .targetPort = std::string("web")},
               state::ServicePort{.name = "metrics", .port = 9090}};
    m.services.push_back(s);
    // Two slices for one service: ports resolve by name, per slice.
    state::EndpointSlice a;
    a.namespace_ = "shop";
    a.name = "web-a";
    a.service = "web";
    a.ports = {state::EndpointPort{.name = "http", .port = 8080}, state::EndpointPort{.name = "metrics", .port = 9100}};
    a.endpoints = {endpoint("10.200.1.10", "node-a")};
    state::EndpointSlice b = a;
    b.name = "web-b";
    b.ports = {state::EndpointPort{.name = "http", .port = 8081}};  // another revision of the pods' port
    b.endpoints = {endpoint("10.200.2.10", "node-b")};
    m.endpointSlices = {b, a};  // out of name order on purpose
    return m;
}

const ServicePortBackends& portNamed(const DesiredServices& d, const std::string& name, IpFamily f = IpFamily::V4) {
    for (const auto& p : d.ports)
        if (p.portName == name && p.family == f) return p;
    FAIL(("no port " + name).c_str());
    return d.ports.front();
}

std::string backends(const std::vector<ServiceBackend>& list) {
    std::string out;
    for (const auto& b : list) out += (out.empty() ? "" : " ") + b.toString();
    return out;
}

Flow flow(SourceKind kind, const char* src, const char* dst, std::uint16_t port) {
    return Flow{ip(src), kind, state::Protocol::TCP, ip(dst), port};
}

}  // namespace

TEST_GROUP(CompileServices){};

TEST(CompileServices, NamedTargetPortResolvesThroughSlicePortNames) {
    auto r = compileServices(baseModel(), ServiceLimits{});
    CHECK(r.ok());
    LONGS_EQUAL(2, r.desired.ports.size());
    STRCMP_EQUAL("10.200.1.10:8080 10.200.2.10:8081", backends(portNamed(r.desired, "http").endpoints.cluster).c_str());
    STRCMP_EQUAL("10.200.1.10:9100", backends(portNamed(r.desired, "metrics").endpoints.cluster).c_str());
    const auto& b = portNamed(r.desired, "http").endpoints.cluster[0];
    CHECK(b.local);
    CHECK(b.ready);
    CHECK_FALSE(portNamed(r.desired, "http").endpoints.cluster[1].local);
    LONGS_EQUAL(3, r.desired.backendEntries);
    LONGS_EQUAL(2, r.desired.frontends.size());  // ClusterIP x 2 ports
    LONGS_EQUAL(1, r.desired.localReadyEndpoints.at("shop/web"));
}

TEST(CompileServices, OutputDoesNotDependOnInputOrder) {
    auto m = baseModel();
    auto first = compileServices(m, ServiceLimits{});
    std::reverse(m.endpointSlices.begin(), m.endpointSlices.end());
    state::Service other = m.services[0];
    other.name = "api";
    other.clusterIPs = {ip("10.96.0.5")};
    m.services.push_back(other);
    auto second = compileServices(m, ServiceLimits{});
    m.services = {m.services[1], m.services[0]};
    auto third = compileServices(m, ServiceLimits{});
    CHECK(second.desired == third.desired);
    CHECK_FALSE(first.desired == second.desired);
    STRCMP_EQUAL("shop/api", third.desired.ports[0].service.c_str());
    STRCMP_EQUAL("10.96.0.5", third.desired.frontends[0].address.toString().c_str());
}

TEST(CompileServices, SkipsHeadlessAndExternalName) {
    auto m = baseModel();
    m.services[0].clusterIPs.clear();
    state::Service alias;
    alias.namespace_ = "shop";
    alias.name = "alias";
    alias.type = state::ServiceType::ExternalName;
    alias.externalName = "example.com";
    m.services.push_back(alias);
    auto r = compileServices(m, ServiceLimits{});
    CHECK(r.desired.ports.empty());
    CHECK(r.desired.frontends.empty());
}

TEST(CompileServices, DualStackGetsPerFamilyPortsAndFrontends) {
    auto m = baseModel();
    auto& s = m.services[0];
    s.type = state::ServiceType::NodePort;
    s.clusterIPs.push_back(ip("fd00:96::10"));
    s.ports[0].nodePort = 30080;
    state::EndpointSlice v6;
    v6.namespace_ = "shop";
    v6.name = "web-v6";
    v6.service = "web";
    v6.addressType = state::AddressType::IPv6;
    v6.ports = {state::EndpointPort{.name = "http", .port = 8080}};
    v6.endpoints = {endpoint("fd00:200::10", "node-a")};
    m.endpointSlices.push_back(v6);
    auto r = compileServices(m, ServiceLimits{});
    STRCMP_EQUAL("[fd00:200::10]:8080", backends(portNamed(r.desired, "http", IpFamily::V6).endpoints.cluster).c_str());
    STRCMP_EQUAL("10.200.1.10:8080 10.200.2.10:8081", backends(portNamed(r.desired, "http").endpoints.cluster).c_str());
    int nodePorts = 0;
    for (const auto& f : r.desired.frontends)
        if (f.kind == FrontendKind::NodePort) {
            ++nodePorts;
            LONGS_EQUAL(30080, f.port);
        }
    LONGS_EQUAL(2, nodePorts);  // 0.0.0.0:30080 and [::]:30080
    LONGS_EQUAL(2, r.desired.localReadyEndpoints.at("shop/web"));  // one address per family
}

TEST(CompileServices, SessionAffinityAndPolicies) {
    auto m = baseModel();
    auto& s = m.services[0];
    s.type = state::ServiceType::LoadBalancer;
    s.loadBalancerIPs = {ip("203.0.113.10")};
    s.ports[0].nodePort = 30080;
    s.sessionAffinity = state::SessionAffinity::ClientIP;
    s.sessionAffinityTimeoutSeconds = 600;
    s.externalTrafficPolicy = state::TrafficPolicy::Local;
    s.healthCheckNodePort = 32000;
    auto r = compileServices(m, ServiceLimits{});
    const auto& http = portNamed(r.desired, "http");
    CHECK(http.sessionAffinity);
    LONGS_EQUAL(600, http.affinityTimeoutSeconds);
    CHECK(http.policies.externalLocal);
    STRCMP_EQUAL("10.200.1.10:8080", backends(http.endpoints.local).c_str());
    LONGS_EQUAL(1, r.desired.healthChecks.size());
    LONGS_EQUAL(32000, r.desired.healthChecks[0].nodePort);
    LONGS_EQUAL(1, r.desired.healthChecks[0].localEndpoints);

    // External traffic keeps the client and goes local; pods use every endpoint.
    FlowContext ctx{{ip("192.168.0.2")}, {}};
    auto ext = decideFlow(r.desired, ctx, flow(SourceKind::External, "198.51.100.7", "203.0.113.10", 80));
    CHECK(ext.result == FlowResult::DNAT);
    STRCMP_EQUAL("10.200.1.10:8080", backends(ext.eligible).c_str());
    CHECK_FALSE(ext.masquerade);
    auto pod = decideFlow(r.desired, ctx, flow(SourceKind::Pod, "10.200.3.3", "192.168.0.2", 30080));
    STRCMP_EQUAL("10.200.1.10:8080 10.200.2.10:8081", backends(pod.eligible).c_str());

    // The local endpoint terminates without serving: the health check drops to 0 and external traffic is dropped.
    m.endpointSlices[1].endpoints[0].conditions = {false, false, true};
    r = compileServices(m, ServiceLimits{});
    LONGS_EQUAL(0, r.desired.healthChecks[0].localEndpoints);
    CHECK(decideFlow(r.desired, ctx, flow(SourceKind::External, "198.51.100.7", "203.0.113.10", 80)).result ==
          FlowResult::Drop);
}

TEST(CompileServices, SourceRangesOnlyOnLoadBalancerIPs) {
    auto m = baseModel();
    auto& s = m.services[0];
    s.type = state::ServiceType::LoadBalancer;
    s.loadBalancerIPs = {ip("203.0.113.10"), ip("2001:db8::10")};
    s.externalIPs = {ip("198.51.100.20")};
    s.ports[0].nodePort = 30080;
    s.loadBalancerSourceRanges = {*IpPrefix::parse("198.51.100.0/24")};
    auto r = compileServices(m, ServiceLimits{});
    FlowContext ctx{{ip("192.168.0.2")}, {}};
    auto in = decideFlow(r.desired, ctx, flow(SourceKind::External, "198.51.100.7", "203.0.113.10", 80));
    CHECK(in.result == FlowResult::DNAT);
    CHECK(in.masquerade);  // eTP Cluster
    auto out = decideFlow(r.desired, ctx, flow(SourceKind::External, "192.0.2.7", "203.0.113.10", 80));
    CHECK(out.result == FlowResult::Drop);
    CHECK(decideFlow(r.desired, ctx, flow(SourceKind::External, "192.0.2.7", "198.51.100.20", 80)).result ==
          FlowResult::DNAT);
    CHECK(decideFlow(r.desired, ctx, flow(SourceKind::External, "192.0.2.7", "192.168.0.2", 30080)).result ==
          FlowResult::DNAT);
    CHECK(decideFlow(r.desired, ctx, flow(SourceKind::Pod, "192.0.2.7", "10.96.0.10", 80)).result == FlowResult::DNAT);
    // The service's only ranges are IPv4: its IPv6 LB address admits no client
    // (the v6 family has no clusterIP here, so no v6 frontend exists at all).
    for (const auto& f : r.desired.frontends) {
        if (f.kind != FrontendKind::LoadBalancer) continue;
        CHECK(f.restrictSources);
        CHECK_FALSE(f.allowLoadBalancerIPSources);  // no range holds a node address
    }
}

TEST(CompileServices, RejectWhenNothingUsableDropWhenOnlyElsewhere) {
    auto m = baseModel();
    m.services[0].internalTrafficPolicy = state::TrafficPolicy::Local;
    m.endpointSlices[1].endpoints.clear();  // only node-b's endpoint remains
    auto r = compileServices(m, ServiceLimits{});
    FlowContext ctx;
    auto d = decideFlow(r.desired, ctx, flow(SourceKind::Pod, "10.200.1.3", "10.96.0.10", 80));
    CHECK(d.result == FlowResult::Drop);
    m.endpointSlices.clear();
    r = compileServices(m, ServiceLimits{});
    d = decideFlow(r.desired, ctx, flow(SourceKind::Pod, "10.200.1.3", "10.96.0.10", 80));
    CHECK(d.result == FlowResult::Reject);
    d = decideFlow(r.desired, ctx, flow(SourceKind::Pod, "10.200.1.3", "10.96.0.11", 80));
    CHECK(d.result == FlowResult::NotServiceTraffic);
}

TEST(CompileServices, DuplicateEndpointKeepsTheLocalCopy) {
    auto m = baseModel();
    m.endpointSlices[0].ports = m.endpointSlices[1].ports;
    m.endpointSlices[0].endpoints = {endpoint("10.200.1.10", "")};  // same ip:port, no node
    auto r = compileServices(m, ServiceLimits{});
    const auto& http = portNamed(r.desired, "http").endpoints.cluster;
    LONGS_EQUAL(1, http.size());
    CHECK(http[0].local);
}

TEST(CompileServices, ConflictingFrontendIsAWarningAndTheFirstServiceKeepsIt) {
    auto m = baseModel();
    m.services[0].externalIPs = {ip("198.51.100.20")};
    state::Service other = m.services[0];
    other.name = "zzz";
    other.clusterIPs = {ip("10.96.0.99")};
    m.services.push_back(other);
    auto r = compileServices(m, ServiceLimits{});
    CHECK(r.ok());
    LONGS_EQUAL(2, r.warnings.size());  // both ports of shop/zzz
    STRCMP_EQUAL(": Service shop/zzz: externalIP 198.51.100.20 port 80 is already used by Service shop/web, ignoring",
                 r.warnings[0].toString().c_str());
}

TEST(CompileServices, CapacityErrorsNameTheService) {
    auto m = baseModel();
    m.services[0].where.file = "state.toml";
    m.services[0].where.line = 7;
    auto r = compileServices(m, ServiceLimits{.maxBackendEntries = 2});
    CHECK_FALSE(r.ok());
    STRCMP_EQUAL("state.toml:7: Service shop/web: port metrics brings the service backend entries to 3, more than "
                 "the datapath's limit of 2",
                 r.errors[0].toString().c_str());
    r = compileServices(m, ServiceLimits{.maxServices = 0});
    CHECK_FALSE(r.ok());
    STRCMP_EQUAL("state.toml:7: Service shop/web: the state has more than 0 services, the datapath's limit",
                 r.errors[0].toString().c_str());
    CHECK(compileServices(m, ServiceLimits{.maxBackendEntries = 3, .maxServices = 1}).ok());
}

// The choice for SCTP: refused with the object named, never accepted
// and silently dropped by a datapath that cannot translate it.
TEST(CompileServices, AnSctpServicePortIsRefusedWithTheServiceNamed) {
    auto m = baseModel();
    m.services[0].where.file = "state.toml";
    m.services[0].where.line = 12;
    m.services[0].ports.push_back(state::ServicePort{.name = "sig", .protocol = state::Protocol::SCTP, .port = 3868});
    auto r = compileServices(m, ServiceLimits{});
    CHECK_FALSE(r.ok());
    LONGS_EQUAL(1, r.errors.size());
    STRCMP_EQUAL("state.toml:12: Service shop/web: port sig is SCTP, which nodeplane's datapath cannot translate (its "
                 "CRC32c checksum cannot be updated in place); remove the port or serve it without a Service VIP",
                 r.errors[0].toString().c_str());
}
