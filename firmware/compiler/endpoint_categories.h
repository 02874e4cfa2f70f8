// Which endpoints one service port may use from this node: a port of
// kube-proxy's CategorizeEndpoints (pkg/proxy/topology.go), with its
// KEP-1669 fallback to serving+terminating endpoints and its topology-hint
// fallbacks.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/ip.h"
#include "state/model.h"

namespace nodeplane::compiler {

// One endpoint as a service port sees it (kube-proxy's BaseEndpointInfo).
struct ServiceBackend {
    IpAddress ip;
    std::uint16_t port = 0;
    state::Protocol protocol = state::Protocol::TCP;
    std::string nodeName;
    std::string zone;
    bool local = false;  // nodeName is this node
    bool ready = false;
    bool serving = false;
    bool terminating = false;
    std::vector<std::string> zoneHints;  // hints.forZones[].name

    // Usable when no Ready endpoint is (KEP-1669).
    bool servingTerminating() const { return serving && terminating; }
    std::string toString() const;  // "10.0.0.1:80", "[fd00::1]:80"

    bool operator==(const ServiceBackend&) const = default;
};

// The traffic policies of a service port as kube-proxy reads them
// (BaseServicePortInfo).
struct TrafficPolicies {
    bool internalLocal = false;         // internalTrafficPolicy: Local
    bool externalLocal = false;         // externalTrafficPolicy: Local on a NodePort/LoadBalancer
    bool externallyAccessible = false;  // a nodePort, an externalIP or a loadBalancer IP

    // Cluster endpoints are needed for iTP Cluster, and for any external
    // traffic: even under eTP Local, pods and the node short-circuit to them.
    bool usesClusterEndpoints() const { return !internalLocal || externallyAccessible; }
    bool usesLocalEndpoints() const { return internalLocal || (externalLocal && externallyAccessible); }

    bool operator==(const TrafficPolicies&) const = default;
};

enum class TopologyMode : std::uint8_t { None, PreferSameZone };

struct EndpointCategories {
    std::vector<ServiceBackend> cluster;       // empty when the port never uses Cluster policy
    std::vector<ServiceBackend> local;         // empty when the port never uses Local policy
    std::vector<ServiceBackend> allReachable;  // cluster ∪ local
    // Serving terminating endpoints this node may have sent flows to that
    // neither set lists (a Ready one took over): they take no new connection
    // but keep their backend entries, so established flows keep translating
    // until the endpoint leaves the slice or stops serving, as with
    // kube-proxy. Sorted like allReachable.
    std::vector<ServiceBackend> terminating;
    // A usable endpoint exists somewhere in the cluster (even when neither set
    // above holds one): false means REJECT, true with an empty set means DROP.
    bool hasAnyEndpoints = false;
    TopologyMode topology = TopologyMode::None;

    bool operator==(const EndpointCategories&) const = default;
};

// `zone` is the node's topology.kubernetes.io/zone label ("" when absent).
// Output lists keep the order of `endpoints`; allReachable is sorted.
EndpointCategories categorizeEndpoints(const std::vector<ServiceBackend>& endpoints,
                                       const TrafficPolicies& policies, const std::string& zone);

}  // namespace nodeplane::compiler
