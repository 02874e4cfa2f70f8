// The Service compiler: Services and EndpointSlices in, the frontends and
// backend sets this node's datapath must hold out, with kube-proxy's semantics
// (pkg/proxy: service.go, endpointslicecache.go, topology.go and the nftables
// proxier's chains). Pure: no I/O. The output is plain values with operator==
// in a deterministic order, so a reconciler can diff two generations.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "common/ip.h"
#include "compiler/endpoint_categories.h"
#include "state/model.h"

namespace nodeplane::compiler {

// Datapath capacity. A backend entry is one backend in one backend set (the
// Cluster or Local set of one service port in one IP family): what the slot
// map must hold.
struct ServiceLimits {
    std::uint32_t maxBackendEntries = 1048576;
    std::uint32_t maxServices = 100000;
};

// One service port of one IP family: kube-proxy's ServicePort plus the
// endpoints it categorised (kube-proxy runs one proxier per family, so the
// categorisation, and with it "has any endpoint", is per family too).
struct ServicePortBackends {
    std::string service;   // "namespace/name"
    std::string portName;  // may be empty
    IpFamily family = IpFamily::V4;
    state::Protocol protocol = state::Protocol::TCP;
    std::uint16_t port = 0;
    TrafficPolicies policies;
    bool sessionAffinity = false;            // sessionAffinity: ClientIP
    std::uint32_t affinityTimeoutSeconds = 0;  // sessionAffinityConfig.clientIP.timeoutSeconds
    EndpointCategories endpoints;

    bool operator==(const ServicePortBackends&) const = default;
};

enum class FrontendKind : std::uint8_t { ClusterIP, NodePort, ExternalIP, LoadBalancer };

// What becomes of a new connection when it matches a frontend.
enum class FlowVerdict : std::uint8_t {
    Forward,  // DNAT to one backend of `backends`
    Reject,   // no usable endpoint anywhere: ICMP port unreachable (kube-proxy's REJECT)
    Drop,     // usable endpoints exist, but none in the set this traffic may use
};

enum class BackendSet : std::uint8_t { Cluster, Local };

struct TrafficRule {
    FlowVerdict verdict = FlowVerdict::Reject;
    BackendSet backends = BackendSet::Cluster;
    // SNAT the client to a node address. The datapath also masquerades a
    // hairpin (a backend reached through its own service) on every rule.
    bool masquerade = false;

    bool operator==(const TrafficRule&) const = default;
};

// One address:port/protocol a service answers on. The rule to apply depends on
// where the connection comes from; the datapath tells pods (source in the pod
// CIDRs), the node itself and everything else apart.
struct Frontend {
    FrontendKind kind = FrontendKind::ClusterIP;
    // For NodePort the unspecified address of the family (0.0.0.0 or ::):
    // every node address the datapath serves NodePorts on.
    IpAddress address;
    std::uint16_t port = 0;
    state::Protocol protocol = state::Protocol::TCP;
    std::uint32_t portIndex = 0;  // into DesiredServices::ports
    TrafficRule fromPod;
    TrafficRule fromHost;
    TrafficRule fromExternal;
    // loadBalancerSourceRanges of this family, LoadBalancer frontends only.
    // When restrictSources, a client outside every range is dropped; with no
    // range of this family that is every client (the API's "restricted to").
    bool restrictSources = false;
    std::vector<IpPrefix> sourceRanges;
    // kube-proxy's allowFromNode: a range holds a node address, so traffic
    // the node sent to its own LB VIP, looping back with the VIP as source,
    // is let through too (source = one of the service's loadBalancerIPs).
    bool allowLoadBalancerIPSources = false;

    bool operator==(const Frontend&) const = default;
};

// healthCheckNodePort of an eTP Local LoadBalancer service: the answer its
// health check gives depends on localEndpoints (0 → 503).
struct HealthCheckService {
    std::string service;  // "namespace/name"
    std::uint16_t nodePort = 0;
    std::uint32_t localEndpoints = 0;  // local Ready endpoint addresses

    bool operator==(const HealthCheckService&) const = default;
};

struct DesiredServices {
    std::vector<ServicePortBackends> ports;  // by service, then Service port order, then family
    std::vector<Frontend> frontends;         // sorted by address, port, protocol; unique
    std::vector<IpAddress> clusterIPs;       // every allocated ClusterIP, sorted, unique
    std::vector<HealthCheckService> healthChecks;  // sorted by service
    // kube-proxy's LocalReadyEndpoints: every service with at least one local
    // Ready endpoint, counted as unique addresses over all its ports.
    std::map<std::string, std::uint32_t> localReadyEndpoints;
    std::uint64_t backendEntries = 0;

    bool operator==(const DesiredServices&) const = default;
};

struct ServicesResult {
    bool ok() const { return errors.empty(); }
    DesiredServices desired;
    InputErrors errors;    // the state does not fit: refuse it whole
    InputErrors warnings;  // tolerated, as kube-proxy tolerates them (e.g. a frontend two services claim)
};

ServicesResult compileServices(const state::Model& model, const ServiceLimits& limits);

// "namespace/name"
std::string serviceKey(const state::Service& service);

}  // namespace nodeplane::compiler
