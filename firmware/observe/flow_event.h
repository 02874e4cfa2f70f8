// One datapath report as user space sees it: a decoded np_event record
// (bpf/include/nodeplane/abi/events.h) with its time made wall-clock, plus
// what the daemon knows about the two ends (enrichment). The policy action
// log, `nodeplanectl observe` and the metrics all take this one type.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/ip.h"

namespace nodeplane::observe {

enum class FlowEventKind : std::uint8_t {
    PolicyVerdict = 1,       // NP_EVENT_POLICY_VERDICT
    Drop = 2,                // NP_EVENT_DROP
    ServiceTranslation = 3,  // NP_EVENT_SERVICE_TRANSLATION
    FlowOpen = 4,            // NP_EVENT_FLOW_OPEN
    FlowClose = 5,           // NP_EVENT_FLOW_CLOSE (datapath or conntrack GC)
};

// FlowClose: why the flow ended.
enum class CloseCause : std::uint8_t {
    Finished,     // a FIN or RST, reported by the datapath (NP_EVENT_FLOW_CLOSE)
    IdleTimeout,  // conntrack ageing removed the idle flow (UDP, or TCP gone quiet)
};

// Policy records: which side's policy decided (np_policy_direction).
enum class PolicyDirection : std::uint8_t { Ingress = 0, Egress = 1 };

// The raw record, decoded; no lookups done yet.
struct FlowEvent {
    FlowEventKind kind = FlowEventKind::FlowOpen;
    std::chrono::system_clock::time_point time;
    std::uint8_t protocol = 0;  // IPPROTO_*
    IpAddress src;
    IpAddress dst;
    std::uint16_t srcPort = 0;  // host byte order; 0 for ICMP and others
    std::uint16_t dstPort = 0;
    std::uint32_t ifindex = 0;
    std::uint32_t endpointId = 0;  // the local endpoint concerned, 0 if none
    // PolicyVerdict only.
    PolicyDirection direction = PolicyDirection::Ingress;
    bool allowed = true;
    std::uint32_t policyId = 0;  // the allowing policy's id, 0 for none
    std::uint32_t remoteIdentity = 0;
    // Drop (and a denied PolicyVerdict): enum np_drop_reason.
    std::uint16_t dropReason = 0;
    // ServiceTranslation: the frontend; dst/dstPort are the backend.
    IpAddress frontend;
    std::uint16_t frontendPort = 0;
    std::uint32_t revNatId = 0;
    std::uint32_t length = 0;  // the packet's bytes
    // FlowClose: the cause; totals when known.
    CloseCause closeCause = CloseCause::Finished;
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

// What one end of a flow is, as the Kubernetes state names it.
struct Peer {
    enum class Kind : std::uint8_t { Pod, Node, Other };
    Kind kind = Kind::Other;
    IpAddress address;
    std::string podName;       // Pod
    std::string podNamespace;  // Pod
    std::string workloadKind;  // Pod: "Deployment", ...; empty when unknown. Node: "Node"
    std::string workloadName;  // Pod; empty when unknown
    std::string nodeName;      // Node: its name; Pod: the node it runs on
};

// A NetworkPolicy, by name, as the log and observe show it.
struct PolicyRef {
    std::string name;
    std::string namespace_;
    std::string kind = "NetworkPolicy";

    bool operator==(const PolicyRef&) const = default;
};

struct EnrichedFlow {
    FlowEvent event;
    Peer src;
    Peer dst;
    // PolicyVerdict allowed: every policy that allows this connection in
    // the event's direction (the log's `policies`); empty when none applies.
    std::vector<PolicyRef> policies;
};

}  // namespace nodeplane::observe
