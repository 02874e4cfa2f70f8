#include "flowstream/flow_filter.h"

#include <netinet/in.h>

#include <algorithm>
#include <charconv>

#include "flowstream/flow_json.h"

namespace nodeplane::flowstream {
namespace {

using observe::EnrichedFlow;
using observe::Peer;

template <typename T, typename Pred>
bool anyOrEmpty(const std::vector<T>& wanted, Pred&& pred) {
    return wanted.empty() || std::any_of(wanted.begin(), wanted.end(), pred);
}

bool inNamespace(const Peer& peer, const std::string& ns) {
    return peer.kind == Peer::Kind::Pod && peer.podNamespace == ns;
}

bool isPod(const Peer& peer, const PodRef& pod) {
    return peer.kind == Peer::Kind::Pod && peer.podNamespace == pod.namespace_ && peer.podName == pod.name;
}

bool hasProtocol(std::uint8_t protocol, const std::string& name) {
    if (name == "icmp") return protocol == IPPROTO_ICMP || protocol == IPPROTO_ICMPV6;
    return protocolName(protocol) == name;
}

bool oneOf(std::string_view value, std::initializer_list<std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

template <typename T>
void addOnce(std::vector<T>& values, T value) {
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(std::move(value));
}

}  // namespace

bool FlowFilter::matches(const EnrichedFlow& flow) const {
    const observe::FlowEvent& e = flow.event;
    return anyOrEmpty(namespaces,
                      [&](const std::string& ns) { return inNamespace(flow.src, ns) || inNamespace(flow.dst, ns); }) &&
           anyOrEmpty(pods, [&](const PodRef& pod) { return isPod(flow.src, pod) || isPod(flow.dst, pod); }) &&
           anyOrEmpty(verdicts, [&](const std::string& v) { return flowVerdict(e) == v; }) &&
           anyOrEmpty(ports,
                      [&](std::uint16_t port) {
                          return e.srcPort == port || e.dstPort == port ||
                                 (e.kind == observe::FlowEventKind::ServiceTranslation && e.frontendPort == port);
                      }) &&
           anyOrEmpty(protocols, [&](const std::string& p) { return hasProtocol(e.protocol, p); }) &&
           anyOrEmpty(directions, [&](observe::PolicyDirection d) {
               return e.kind == observe::FlowEventKind::PolicyVerdict && e.direction == d;
           });
}

Status addFilter(FlowFilter& filter, std::string_view flag, std::string_view value) {
    const std::string got = "got '" + std::string(value) + "'";
    if (flag == "namespace") {
        if (value.empty()) return Error::logical("--namespace needs a namespace name");
        addOnce(filter.namespaces, std::string(value));
    } else if (flag == "pod") {
        auto slash = value.find('/');
        if (slash == std::string_view::npos || slash == 0 || slash + 1 == value.size() ||
            value.find('/', slash + 1) != std::string_view::npos)
            return Error::logical("--pod needs NAMESPACE/NAME, " + got);
        addOnce(filter.pods, PodRef{std::string(value.substr(0, slash)), std::string(value.substr(slash + 1))});
    } else if (flag == "verdict") {
        if (!oneOf(value, {"allow", "deny", "drop"})) return Error::logical("--verdict takes allow, deny or drop, " + got);
        addOnce(filter.verdicts, std::string(value));
    } else if (flag == "port") {
        unsigned port = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
        if (ec != std::errc() || end != value.data() + value.size() || port < 1 || port > 65535)
            return Error::logical("--port takes a number 1-65535, " + got);
        addOnce(filter.ports, static_cast<std::uint16_t>(port));
    } else if (flag == "protocol") {
        if (!oneOf(value, {"tcp", "udp", "icmp"})) return Error::logical("--protocol takes tcp, udp or icmp, " + got);
        addOnce(filter.protocols, std::string(value));
    } else if (flag == "direction") {
        if (value == "ingress")
            addOnce(filter.directions, observe::PolicyDirection::Ingress);
        else if (value == "egress")
            addOnce(filter.directions, observe::PolicyDirection::Egress);
        else
            return Error::logical("--direction takes ingress or egress, " + got);
    } else {
        return Error::logical("unknown filter '--" + std::string(flag) + "'");
    }
    return {};
}

nlohmann::json filterToJson(const FlowFilter& filter) {
    nlohmann::json out = nlohmann::json::object();
    if (!filter.namespaces.empty()) out["namespace"] = filter.namespaces;
    if (!filter.pods.empty()) {
        auto& pods = out["pod"] = nlohmann::json::array();
        for (const auto& pod : filter.pods) pods.push_back(pod.namespace_ + "/" + pod.name);
    }
    if (!filter.verdicts.empty()) out["verdict"] = filter.verdicts;
    if (!filter.ports.empty()) out["port"] = filter.ports;
    if (!filter.protocols.empty()) out["protocol"] = filter.protocols;
    if (!filter.directions.empty()) {
        auto& directions = out["direction"] = nlohmann::json::array();
        for (auto d : filter.directions) directions.push_back(d == observe::PolicyDirection::Ingress ? "ingress" : "egress");
    }
    if (filter.sinceNow) out["sinceNow"] = true;
    return out;
}

Result<FlowFilter> filterFromJson(std::string_view text) {
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return Error::logical("the filter is not a JSON object");
    FlowFilter filter;
    for (const auto& [key, values] : doc.items()) {
        if (key == "sinceNow") {
            if (!values.is_boolean()) return Error::logical("filter 'sinceNow' must be true or false");
            filter.sinceNow = values.get<bool>();
            continue;
        }
        if (!values.is_array()) return Error::logical("filter '" + key + "' must be a list");
        for (const auto& value : values) {
            std::string text;
            if (key == "port" && value.is_number_unsigned())
                text = std::to_string(value.get<std::uint64_t>());
            else if (value.is_string())
                text = value.get<std::string>();
            else
                return Error::logical("filter '" + key + "' holds " + value.dump() + ", not a " +
                                      (key == "port" ? "port number" : "string"));
            if (auto added = addFilter(filter, key, text); !added) return added.error();
        }
    }
    return filter;
}

}  // namespace nodeplane::flowstream
