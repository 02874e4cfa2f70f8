// What the datapath holds, as the control API lists it
// (org.nodeplane.Control1.ListServices, ListConntrack, ListIdentities,
// GetPolicy): plain values the
// daemon fills from the maps, the bus carries typed, and nodeplanectl prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodeplane::bus {

struct ServiceBackendRecord {
    std::uint32_t id = 0;  // np_backends_v1 key
    std::string address;
    std::uint16_t port = 0;
    bool local = false;        // a pod on this node
    bool terminating = false;  // serving but terminating

    bool operator==(const ServiceBackendRecord&) const = default;
};

// One frontend of np_services_v1 and the backends of its active half.
struct ServiceRecord {
    std::string address;  // "10.96.0.10", "fd00::10"
    std::uint16_t port = 0;
    std::string protocol;  // "tcp" | "udp" | "sctp"
    std::string scope;     // "internal" | "external"
    // In this order, those set: "affinity", "etp-local", "itp-local",
    // "source-ranges", "reject-when-empty", "masquerade".
    std::vector<std::string> flags;
    std::uint32_t affinityTimeoutSeconds = 0;  // with "affinity"
    std::uint32_t serviceId = 0;
    std::uint32_t revNatId = 0;
    std::uint32_t backendCount = 0;  // in the active half
    std::uint8_t activeHalf = 0;
    std::vector<ServiceBackendRecord> backends;  // by address, then port

    bool operator==(const ServiceRecord&) const = default;
};

// One entry of np_conntrack_v2, decoded, with what the daemon derives from
// its flow (the entry and its partner in the other direction).
struct ConntrackRecord {
    std::string direction;  // "original" | "reply"
    std::string protocol;   // "tcp" | "udp" | "sctp"
    std::string source;
    std::uint16_t sourcePort = 0;
    std::string destination;
    std::uint16_t destinationPort = 0;
    // The flow's state: "syn-sent", "established", "closing" (TCP);
    // "unreplied", "replied" (UDP).
    std::string state;
    std::uint64_t ageNs = 0;      // since this entry was created
    std::uint64_t idleNs = 0;     // since the flow's last packet, either direction
    std::uint64_t timeoutNs = 0;  // the state's timeout: ageing removes the flow once idle passes it
    std::uint32_t backendId = 0;
    std::uint32_t revNatId = 0;
    std::uint8_t tcpFlags = 0;  // OR of the TCP header flags seen in this direction
    bool closing = false;       // FIN or RST seen in this direction
    bool external = false;      // the client is outside the node
    // Source NAT. Original: what the client's source becomes; reply: the
    // client's own address. "" and 0 without.
    std::string natAddress;
    std::uint16_t natPort = 0;

    bool operator==(const ConntrackRecord&) const = default;
};

struct ConntrackListing {
    std::vector<ConntrackRecord> entries;  // flow by flow, each original before its reply
    std::uint64_t total = 0;  // entries in the table; more than entries.size() when the list was cut

    bool operator==(const ConntrackListing&) const = default;
};

// One policy identity (org.nodeplane.Control1.ListIdentities).
struct IdentityRecord {
    std::uint32_t id = 0;
    std::string kind;  // "reserved" | "pod" | "cidr"
    // reserved: its name ("host", "world", "remote-node"); pod: its
    // namespace; cidr: the ipBlock prefix it is the class of.
    std::string name;
    std::vector<std::string> labels;  // pod: "key=value", sorted by key
    std::uint32_t addresses = 0;      // ipcache entries that map to it (as identity or class)

    bool operator==(const IdentityRecord&) const = default;
};

// One entry of a pod's policy map: what it allows (GetPolicy).
struct PolicyAllowRecord {
    std::string direction;  // "ingress" | "egress"
    std::uint32_t remoteIdentity = 0;
    std::string remote;    // the identity described: "any", "host", "y: pod=b", "cidr 10.0.0.0/8"
    std::string protocol;  // "any" | "tcp" | "udp" | "sctp" | a number
    std::uint16_t portFirst = 0;  // 0-65535 when every port
    std::uint16_t portLast = 0;
    std::uint32_t policyId = 0;
    std::string policy;  // "namespace/name", "allow-from-host", or "" when unknown

    bool operator==(const PolicyAllowRecord&) const = default;
};

// A local pod's policy (GetPolicy(pod)): what the datapath holds for it.
struct EndpointPolicyRecord {
    std::string pod;  // "namespace/name"
    std::uint32_t endpointId = 0;
    std::uint32_t identity = 0;
    bool ingressIsolated = false;
    bool egressIsolated = false;
    std::vector<std::string> ingressPolicies;  // the policies that select it, "namespace/name"
    std::vector<std::string> egressPolicies;
    std::vector<PolicyAllowRecord> allows;  // ingress first, then by remote, protocol, port

    bool operator==(const EndpointPolicyRecord&) const = default;
};

}  // namespace nodeplane::bus
