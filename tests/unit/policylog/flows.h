// Enriched policy verdicts for the policy log tests, built readably.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <string>

#include "observe/flow_event.h"

namespace policylog_test {

using nodeplane::IpAddress;
using nodeplane::observe::EnrichedFlow;
using nodeplane::observe::FlowEventKind;
using nodeplane::observe::Peer;
using nodeplane::observe::PolicyDirection;
using nodeplane::observe::PolicyRef;

inline IpAddress ip(const char* text) { return *IpAddress::parse(text); }

inline Peer pod(const char* address, std::string name, std::string ns, std::string kind = "",
                std::string workload = "") {
    Peer peer;
    peer.kind = Peer::Kind::Pod;
    peer.address = ip(address);
    peer.podName = std::move(name);
    peer.podNamespace = std::move(ns);
    peer.workloadKind = std::move(kind);
    peer.workloadName = std::move(workload);
    peer.nodeName = "node-a";
    return peer;
}

inline Peer node(const char* address, std::string name) {
    Peer peer;
    peer.kind = Peer::Kind::Node;
    peer.address = ip(address);
    peer.workloadKind = "Node";
    peer.nodeName = std::move(name);
    return peer;
}

inline Peer other(const char* address) {
    Peer peer;
    peer.address = ip(address);
    return peer;
}

// 2020-06-13T21:29:31.445836587Z plus `offset`.
inline std::chrono::system_clock::time_point wallTime(std::chrono::nanoseconds offset = {}) {
    return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(1592083771) + std::chrono::nanoseconds(445836587) + offset));
}

// A TCP verdict from `src`:srcPort to `dst`:dstPort.
inline EnrichedFlow verdict(bool allowed, Peer src, std::uint16_t srcPort, Peer dst, std::uint16_t dstPort,
                            PolicyDirection direction = PolicyDirection::Ingress) {
    EnrichedFlow flow;
    flow.event.kind = FlowEventKind::PolicyVerdict;
    flow.event.time = wallTime();
    flow.event.protocol = IPPROTO_TCP;
    flow.event.src = src.address;
    flow.event.dst = dst.address;
    flow.event.srcPort = srcPort;
    flow.event.dstPort = dstPort;
    flow.event.direction = direction;
    flow.event.allowed = allowed;
    flow.src = std::move(src);
    flow.dst = std::move(dst);
    return flow;
}

inline EnrichedFlow allowedByNp() {
    EnrichedFlow flow = verdict(true, pod("10.84.1.7", "client-7b78d7c957-zkn54", "default", "ReplicaSet",
                                          "client-7b78d7c957"),
                                55644, pod("10.84.0.11", "web-745c798fc9-hzpxt", "shop", "Deployment", "web"), 8080);
    flow.policies.push_back(PolicyRef{"allow-client", "shop", "NetworkPolicy"});
    return flow;
}

inline EnrichedFlow denied(std::uint16_t srcPort = 45084) {
    return verdict(false, pod("10.84.1.8", "client-deny", "default"), srcPort,
                   pod("10.84.0.11", "web-745c798fc9-hzpxt", "shop", "Deployment", "web"), 8080);
}

}  // namespace policylog_test
