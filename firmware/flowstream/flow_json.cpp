#include "flowstream/flow_json.h"

#include <netinet/in.h>

#include "common/rfc3339.h"
#include "datapath/names.h"

namespace nodeplane::flowstream {
namespace {

using observe::EnrichedFlow;
using observe::FlowEvent;
using observe::FlowEventKind;
using observe::Peer;

// Ports mean something for TCP and UDP only; ICMP records carry 0.
bool hasPorts(std::uint8_t protocol) { return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP; }

nlohmann::ordered_json endpointJson(const IpAddress& ip, std::uint16_t port, std::uint8_t protocol) {
    nlohmann::ordered_json out{{"ip", ip.toString()}};
    if (hasPorts(protocol)) out["port"] = port;
    return out;
}

void addPeer(nlohmann::ordered_json& out, const Peer& peer) {
    switch (peer.kind) {
    case Peer::Kind::Pod:
        out["namespace"] = peer.podNamespace;
        out["pod"] = peer.podName;
        if (!peer.workloadKind.empty())
            out["workload"] = {{"kind", peer.workloadKind}, {"name", peer.workloadName}};
        if (!peer.nodeName.empty()) out["node"] = peer.nodeName;
        break;
    case Peer::Kind::Node:
        out["node"] = peer.nodeName;
        break;
    case Peer::Kind::Other:
        break;
    }
}

std::string_view peerKindName(Peer::Kind kind) {
    switch (kind) {
    case Peer::Kind::Pod: return "pod";
    case Peer::Kind::Node: return "node";
    case Peer::Kind::Other: return "other";
    }
    return "other";
}

nlohmann::ordered_json sideJson(const IpAddress& ip, std::uint16_t port, std::uint8_t protocol, const Peer& peer) {
    nlohmann::ordered_json out = endpointJson(ip, port, protocol);
    out["kind"] = peerKindName(peer.kind);
    addPeer(out, peer);
    return out;
}

std::string reasonName(std::uint16_t reason) {
    std::string_view name = datapath::dropReasonName(static_cast<np_drop_reason>(reason));
    // A reason this daemon has no name for comes from a newer datapath.
    return name.empty() ? "reason_" + std::to_string(reason) : std::string(name);
}

}  // namespace

std::string_view flowVerdict(const FlowEvent& event) {
    if (event.kind == FlowEventKind::Drop) return "drop";
    if (event.kind == FlowEventKind::PolicyVerdict && !event.allowed) return "deny";
    return "allow";
}

std::string_view flowKindName(FlowEventKind kind) {
    switch (kind) {
    case FlowEventKind::PolicyVerdict: return "policy-verdict";
    case FlowEventKind::Drop: return "drop";
    case FlowEventKind::ServiceTranslation: return "service-translation";
    case FlowEventKind::FlowOpen: return "flow-open";
    case FlowEventKind::FlowClose: return "flow-close";
    }
    return "unknown";
}

std::string_view closeCauseName(observe::CloseCause cause) {
    switch (cause) {
    case observe::CloseCause::Finished: return "finished";
    case observe::CloseCause::IdleTimeout: return "idle-timeout";
    }
    return "unknown";
}

nlohmann::ordered_json flowToJson(const EnrichedFlow& flow) {
    const FlowEvent& e = flow.event;
    nlohmann::ordered_json out;
    out["time"] = formatRfc3339Millis(e.time);
    out["kind"] = flowKindName(e.kind);
    out["verdict"] = flowVerdict(e);
    out["protocol"] = protocolName(e.protocol);
    out["src"] = sideJson(e.src, e.srcPort, e.protocol, flow.src);
    out["dst"] = sideJson(e.dst, e.dstPort, e.protocol, flow.dst);
    if (e.kind == FlowEventKind::PolicyVerdict) {
        out["direction"] = e.direction == observe::PolicyDirection::Ingress ? "ingress" : "egress";
        if (e.allowed) {
            auto policies = nlohmann::ordered_json::array();
            for (const auto& policy : flow.policies)
                policies.push_back({{"namespace", policy.namespace_}, {"name", policy.name}, {"kind", policy.kind}});
            out["policies"] = std::move(policies);
        }
    }
    if (e.kind == FlowEventKind::Drop || (e.kind == FlowEventKind::PolicyVerdict && !e.allowed))
        out["dropReason"] = reasonName(e.dropReason);
    if (e.kind == FlowEventKind::ServiceTranslation)
        out["frontend"] = endpointJson(e.frontend, e.frontendPort, e.protocol);
    if (e.kind == FlowEventKind::FlowClose) out["close"] = closeCauseName(e.closeCause);
    if (e.kind == FlowEventKind::FlowClose && (e.packets != 0 || e.bytes != 0)) {
        out["packets"] = e.packets;
        out["bytes"] = e.bytes;
    }
    out["ifindex"] = e.ifindex;
    out["length"] = e.length;
    return out;
}

std::string flowJsonLine(const EnrichedFlow& flow) {
    // Names come from the cluster: replace what is not UTF-8 rather than throw.
    std::string line = flowToJson(flow).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    line.push_back('\n');
    return line;
}

}  // namespace nodeplane::flowstream
