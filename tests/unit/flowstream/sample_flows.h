// Enriched flows for the flow stream tests, one of each kind, with readable
// names: web (default/web-1, Deployment web) talks to db (data/db-0).
#pragma once

#include <netinet/in.h>

#include <chrono>

#include "datapath/abi.h"
#include "observe/flow_event.h"

namespace nodeplane::flowstream::test {

using namespace std::chrono_literals;

// 2026-11-28T21:40:05.123Z
inline std::chrono::system_clock::time_point sampleTime() {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 28} + 21h + 40min + 5s + 123ms;
}

inline observe::Peer podPeer(const char* ns, const char* name, const char* ip) {
    observe::Peer peer;
    peer.kind = observe::Peer::Kind::Pod;
    peer.address = *IpAddress::parse(ip);
    peer.podNamespace = ns;
    peer.podName = name;
    peer.nodeName = "node-a";
    return peer;
}

// web-1 -> db-0:5432/tcp, allowed at db's ingress by data/allow-web.
inline observe::EnrichedFlow allowedVerdict() {
    observe::EnrichedFlow flow;
    auto& e = flow.event;
    e.kind = observe::FlowEventKind::PolicyVerdict;
    e.time = sampleTime();
    e.protocol = IPPROTO_TCP;
    e.src = *IpAddress::parse("10.0.1.5");
    e.dst = *IpAddress::parse("10.0.2.7");
    e.srcPort = 40000;
    e.dstPort = 5432;
    e.ifindex = 12;
    e.endpointId = 3;
    e.direction = observe::PolicyDirection::Ingress;
    e.allowed = true;
    e.policyId = 9;
    e.length = 74;
    flow.src = podPeer("default", "web-1", "10.0.1.5");
    flow.src.workloadKind = "Deployment";
    flow.src.workloadName = "web";
    flow.dst = podPeer("data", "db-0", "10.0.2.7");
    flow.policies.push_back({"allow-web", "data"});
    return flow;
}

// The same connection denied at web's egress.
inline observe::EnrichedFlow deniedVerdict() {
    observe::EnrichedFlow flow = allowedVerdict();
    flow.event.direction = observe::PolicyDirection::Egress;
    flow.event.allowed = false;
    flow.event.policyId = 0;
    flow.event.dropReason = NP_DROP_POLICY_DENIED;
    flow.policies.clear();
    return flow;
}

}  // namespace nodeplane::flowstream::test
