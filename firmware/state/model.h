// The typed cluster state one node needs (snapshot.md, format 1). Every source
// (snapshot files, the API server) produces a Model; nothing downstream knows
// where it came from. Field names follow the Kubernetes API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/ip.h"

namespace nodeplane::state {

using Labels = std::map<std::string, std::string>;

// Where an object was read from, for errors raised after parsing
// (the compiler's "does not fit" and the like).
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

enum class Protocol : std::uint8_t { TCP, UDP, SCTP };

struct Taint {
    std::string key;
    std::string value;
    std::string effect;  // NoSchedule | PreferNoSchedule | NoExecute
};

struct Node {
    std::string name;
    Labels labels;
    std::vector<IpAddress> addresses;  // InternalIP first
    std::vector<IpPrefix> podCIDRs;
    std::vector<Taint> taints;
    bool unschedulable = false;
    bool deleting = false;  // metadata.deletionTimestamp is set
    SourceLocation where;
};

struct Namespace {
    std::string name;
    Labels labels;
    Labels annotations;
    SourceLocation where;
};

struct ContainerPort {
    std::string name;  // may be empty
    std::uint16_t containerPort = 0;
    Protocol protocol = Protocol::TCP;
};

struct Pod {
    std::string namespace_;
    std::string name;
    Labels labels;
    Labels annotations;
    std::string nodeName;
    std::vector<IpAddress> podIPs;
    bool hostNetwork = false;
    std::vector<ContainerPort> ports;
    std::optional<std::string> interface;  // host-side interface, pods on this node only
    SourceLocation where;
};

// A port number or an IANA_SVC_NAME, as Service targetPort and policy ports allow.
using PortRef = std::variant<std::uint16_t, std::string>;

struct ServicePort {
    std::string name;
    Protocol protocol = Protocol::TCP;
    std::uint16_t port = 0;
    PortRef targetPort = std::uint16_t{0};  // 0: defaults to `port` (applied by the parser)
    std::uint16_t nodePort = 0;             // 0: none
};

enum class ServiceType : std::uint8_t { ClusterIP, NodePort, LoadBalancer, ExternalName };
enum class TrafficPolicy : std::uint8_t { Cluster, Local };
enum class SessionAffinity : std::uint8_t { None, ClientIP };

struct Service {
    std::string namespace_;
    std::string name;
    Labels labels;
    Labels annotations;
    ServiceType type = ServiceType::ClusterIP;
    std::vector<IpAddress> clusterIPs;  // empty: headless ("None")
    std::vector<IpAddress> externalIPs;
    std::vector<IpAddress> loadBalancerIPs;
    std::vector<IpPrefix> loadBalancerSourceRanges;
    SessionAffinity sessionAffinity = SessionAffinity::None;
    std::uint32_t sessionAffinityTimeoutSeconds = 10800;  // Kubernetes default: 3 h
    TrafficPolicy externalTrafficPolicy = TrafficPolicy::Cluster;
    TrafficPolicy internalTrafficPolicy = TrafficPolicy::Cluster;
    std::uint16_t healthCheckNodePort = 0;
    std::vector<ServicePort> ports;
    SourceLocation where;
};

struct EndpointConditions {
    bool ready = true;        // nil ready means ready
    bool serving = true;      // nil serving takes the value of ready
    bool terminating = false;
};

struct ObjectRef {
    std::string kind;
    std::string namespace_;
    std::string name;
};

struct Endpoint {
    std::vector<IpAddress> addresses;
    EndpointConditions conditions;
    std::string nodeName;
    std::string zone;
    std::vector<std::string> hintsForZones;
    std::optional<ObjectRef> targetRef;
};

struct EndpointPort {
    std::string name;
    std::uint16_t port = 0;
    Protocol protocol = Protocol::TCP;
};

enum class AddressType : std::uint8_t { IPv4, IPv6 };

struct EndpointSlice {
    std::string namespace_;
    std::string name;
    std::string service;  // label kubernetes.io/service-name
    AddressType addressType = AddressType::IPv4;
    std::vector<EndpointPort> ports;
    std::vector<Endpoint> endpoints;
    SourceLocation where;
};

enum class SelectorOperator : std::uint8_t { In, NotIn, Exists, DoesNotExist };

struct SelectorRequirement {
    std::string key;
    SelectorOperator op = SelectorOperator::In;
    std::vector<std::string> values;
};

// {} selects everything.
struct LabelSelector {
    Labels matchLabels;
    std::vector<SelectorRequirement> matchExpressions;
};

struct IpBlock {
    IpPrefix cidr;
    std::vector<IpPrefix> except;
};

struct PolicyPeer {
    std::optional<LabelSelector> podSelector;
    std::optional<LabelSelector> namespaceSelector;
    std::optional<IpBlock> ipBlock;
};

struct PolicyPort {
    Protocol protocol = Protocol::TCP;
    std::optional<PortRef> port;  // absent: every port of the protocol
    std::optional<std::uint16_t> endPort;
};

struct PolicyRule {
    // Absent peers allow all peers; an empty list would allow none, but the
    // Kubernetes API treats an empty `from`/`to` like an absent one.
    std::vector<PolicyPeer> peers;
    std::vector<PolicyPort> ports;  // empty: all ports
};

enum class PolicyType : std::uint8_t { Ingress, Egress };

struct NetworkPolicy {
    std::string namespace_;
    std::string name;
    Labels annotations;
    LabelSelector podSelector;
    // As given or defaulted per the API: Ingress always, Egress when egress rules exist.
    std::vector<PolicyType> policyTypes;
    std::vector<PolicyRule> ingress;
    std::vector<PolicyRule> egress;
    SourceLocation where;
};

struct Model {
    std::string node;  // the node this state is applied on
    std::vector<Node> nodes;
    std::vector<Namespace> namespaces;
    std::vector<Pod> pods;
    std::vector<Service> services;
    std::vector<EndpointSlice> endpointSlices;
    std::vector<NetworkPolicy> networkPolicies;

    const Node* thisNode() const {
        for (const auto& n : nodes)
            if (n.name == node) return &n;
        return nullptr;
    }
};

}  // namespace nodeplane::state
