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

    bool operator==(const SourceLocation&) const = default;
};

enum class Protocol : std::uint8_t { TCP, UDP, SCTP };

// As the Kubernetes API and the snapshot spell it.
inline const char* protocolName(Protocol p) {
    switch (p) {
        case Protocol::TCP: return "TCP";
        case Protocol::UDP: return "UDP";
        case Protocol::SCTP: return "SCTP";
    }
    return "TCP";
}

struct Taint {
    std::string key;
    std::string value;
    std::string effect;  // NoSchedule | PreferNoSchedule | NoExecute

    bool operator==(const Taint&) const = default;
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

    bool operator==(const Node&) const = default;
};

struct Namespace {
    std::string name;
    Labels labels;
    Labels annotations;
    SourceLocation where;

    bool operator==(const Namespace&) const = default;
};

struct ContainerPort {
    std::string name;  // may be empty
    std::uint16_t containerPort = 0;
    Protocol protocol = Protocol::TCP;

    bool operator==(const ContainerPort&) const = default;
};

// metadata.ownerReferences[]: the object that created a pod. Only kind and
// name are kept: enough to name the pod's workload in logs.
struct OwnerReference {
    std::string kind;  // "ReplicaSet", "StatefulSet", ...
    std::string name;
    // The managing controller (at most one per pod). Kubernetes reads an
    // absent value as false; we keep "absent" apart so that a hand-written
    // snapshot listing one owner without it still names a workload.
    std::optional<bool> controller;

    bool operator==(const OwnerReference&) const = default;
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
    std::vector<OwnerReference> ownerReferences;  // optional; for naming the workload
    // Terminating (metadata.deletionTimestamp set): from the API server only,
    // not a snapshot key. Its IP may already be a new pod's.
    bool deleting = false;

    bool operator==(const Pod&) const = default;
};

// A port number or an IANA_SVC_NAME, as Service targetPort and policy ports allow.
using PortRef = std::variant<std::uint16_t, std::string>;

struct ServicePort {
    std::string name;
    Protocol protocol = Protocol::TCP;
    std::uint16_t port = 0;
    PortRef targetPort = std::uint16_t{0};  // 0: defaults to `port` (applied by the parser)
    std::uint16_t nodePort = 0;             // 0: none

    bool operator==(const ServicePort&) const = default;
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
    // type ExternalName only: the DNS name the service is an alias of. Such a
    // service is a DNS CNAME and nothing else: it has no cluster IP, and the
    // datapath ignores it, as kube-proxy does.
    std::string externalName;

    bool operator==(const Service&) const = default;
};

struct EndpointConditions {
    bool ready = true;        // nil ready means ready
    bool serving = true;      // nil serving takes the value of ready
    bool terminating = false;

    bool operator==(const EndpointConditions&) const = default;
};

struct ObjectRef {
    std::string kind;
    std::string namespace_;
    std::string name;

    bool operator==(const ObjectRef&) const = default;
};

struct Endpoint {
    std::vector<IpAddress> addresses;
    EndpointConditions conditions;
    std::string nodeName;
    std::string zone;
    std::vector<std::string> hintsForZones;
    std::optional<ObjectRef> targetRef;

    bool operator==(const Endpoint&) const = default;
};

struct EndpointPort {
    std::string name;
    std::uint16_t port = 0;
    Protocol protocol = Protocol::TCP;

    bool operator==(const EndpointPort&) const = default;
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

    bool operator==(const EndpointSlice&) const = default;
};

enum class SelectorOperator : std::uint8_t { In, NotIn, Exists, DoesNotExist };

struct SelectorRequirement {
    std::string key;
    SelectorOperator op = SelectorOperator::In;
    std::vector<std::string> values;

    bool operator==(const SelectorRequirement&) const = default;
};

// {} selects everything.
struct LabelSelector {
    Labels matchLabels;
    std::vector<SelectorRequirement> matchExpressions;

    bool operator==(const LabelSelector&) const = default;
};

struct IpBlock {
    IpPrefix cidr;
    std::vector<IpPrefix> except;

    bool operator==(const IpBlock&) const = default;
};

struct PolicyPeer {
    std::optional<LabelSelector> podSelector;
    std::optional<LabelSelector> namespaceSelector;
    std::optional<IpBlock> ipBlock;

    bool operator==(const PolicyPeer&) const = default;
};

struct PolicyPort {
    Protocol protocol = Protocol::TCP;
    std::optional<PortRef> port;  // absent: every port of the protocol
    std::optional<std::uint16_t> endPort;

    bool operator==(const PolicyPort&) const = default;
};

struct PolicyRule {
    // Absent peers allow all peers; an empty list would allow none, but the
    // Kubernetes API treats an empty `from`/`to` like an absent one.
    std::vector<PolicyPeer> peers;
    std::vector<PolicyPort> ports;  // empty: all ports

    bool operator==(const PolicyRule&) const = default;
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

    bool operator==(const NetworkPolicy&) const = default;
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

    bool operator==(const Model&) const = default;
};

}  // namespace nodeplane::state
