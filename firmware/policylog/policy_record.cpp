#include "policylog/policy_record.h"

#include <netinet/in.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace nodeplane::policylog {
namespace {

using Json = nlohmann::ordered_json;  // GKE's field order, for readers who diff lines

// GKE's peer shapes: a pod by name and workload, a node by name with
// workload_kind "Node", anything else by address (`instance`).
Json peerJson(const observe::Peer& peer) {
    Json out = Json::object();
    switch (peer.kind) {
        case observe::Peer::Kind::Pod:
            out["pod_name"] = peer.podName;
            if (!peer.workloadKind.empty()) out["workload_kind"] = peer.workloadKind;
            if (!peer.workloadName.empty()) out["workload_name"] = peer.workloadName;
            out["pod_namespace"] = peer.podNamespace;
            // GKE writes the pod's namespace twice: `namespace` is the field
            // queries share with node and policy records.
            out["namespace"] = peer.podNamespace;
            break;
        case observe::Peer::Kind::Node:
            out["node_name"] = peer.nodeName;
            out["workload_kind"] = "Node";
            break;
        case observe::Peer::Kind::Other:
            out["instance"] = peer.address.toString();
            break;
    }
    return out;
}

Json connectionJson(const observe::FlowEvent& event) {
    Json out = Json::object();
    out["src_ip"] = event.src.toString();
    out["dest_ip"] = event.dst.toString();
    if (protocolHasPorts(event.protocol)) {
        out["src_port"] = event.srcPort;
        out["dest_port"] = event.dstPort;
    }
    out["protocol"] = protocolName(event.protocol);
    out["direction"] = directionName(event.direction);
    return out;
}

}  // namespace


std::string_view directionName(observe::PolicyDirection direction) {
    return direction == observe::PolicyDirection::Egress ? "egress" : "ingress";
}

bool protocolHasPorts(std::uint8_t protocol) {
    return protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP;
}

std::string formatRfc3339Nano(std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    const auto sinceEpoch = duration_cast<nanoseconds>(time.time_since_epoch());
    auto secs = duration_cast<seconds>(sinceEpoch);
    auto nanos = sinceEpoch - secs;
    if (nanos.count() < 0) {  // before 1970: the fraction still counts forward
        secs -= seconds(1);
        nanos += seconds(1);
    }
    const std::time_t whole = static_cast<std::time_t>(secs.count());
    std::tm utc{};
    gmtime_r(&whole, &utc);
    char text[64];
    std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
    std::string out(text, length);
    if (nanos.count() != 0) {
        char fraction[16];
        std::snprintf(fraction, sizeof(fraction), ".%09lld", static_cast<long long>(nanos.count()));
        std::string digits(fraction);
        while (digits.back() == '0') digits.pop_back();
        out += digits;
    }
    out += 'Z';
    return out;
}

std::string recordJson(const PolicyRecord& record) {
    const observe::FlowEvent& event = record.flow.event;
    Json out = Json::object();
    out["connection"] = connectionJson(event);
    out["disposition"] = event.allowed ? "allow" : "deny";
    if (event.allowed && !record.flow.policies.empty()) {
        Json policies = Json::array();
        for (const auto& policy : record.flow.policies) {
            Json entry = Json::object();
            entry["name"] = policy.name;
            // Cluster-scoped kinds have no namespace; GKE leaves it out.
            if (!policy.namespace_.empty()) entry["namespace"] = policy.namespace_;
            entry["kind"] = policy.kind;
            policies.push_back(std::move(entry));
        }
        out["policies"] = std::move(policies);
    }
    out["src"] = peerJson(record.flow.src);
    out["dest"] = peerJson(record.flow.dst);
    out["count"] = record.count;
    if (!record.nodeName.empty()) out["node_name"] = record.nodeName;
    out["timestamp"] = formatRfc3339Nano(event.time);
    // Names come from the API server and are UTF-8; a stray invalid byte is
    // replaced rather than losing the record (dump() would throw).
    return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace nodeplane::policylog
