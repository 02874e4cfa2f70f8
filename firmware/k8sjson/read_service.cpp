#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

state::ServiceType readType(const JsonValue& v) {
    auto text = v.string();
    if (!text || *text == "ClusterIP") return state::ServiceType::ClusterIP;
    if (*text == "NodePort") return state::ServiceType::NodePort;
    if (*text == "LoadBalancer") return state::ServiceType::LoadBalancer;
    if (*text == "ExternalName") return state::ServiceType::ExternalName;
    v.error("unknown service type '" + *text + "'");
    return state::ServiceType::ClusterIP;
}

state::TrafficPolicy readPolicy(const JsonValue& v) {
    auto text = v.string();
    if (!text || text->empty() || *text == "Cluster") return state::TrafficPolicy::Cluster;
    if (*text == "Local") return state::TrafficPolicy::Local;
    v.error("unknown traffic policy '" + *text + "', expected Cluster or Local");
    return state::TrafficPolicy::Cluster;
}

// clusterIPs, or the older single clusterIP; "None" (and "", which the API
// server never leaves in a stored object) mean headless.
std::vector<IpAddress> readClusterIPs(const JsonValue& spec) {
    std::vector<IpAddress> out;
    JsonValue list = spec["clusterIPs"];
    std::vector<JsonValue> items = list.present() ? list.items() : std::vector<JsonValue>{spec["clusterIP"]};
    for (const auto& item : items) {
        if (!item.present()) continue;
        auto text = item.string();
        if (!text || text->empty() || *text == "None") continue;
        if (auto ip = readIp(item)) out.push_back(*ip);
    }
    return out;
}

// status.loadBalancer.ingress[].ip. An entry with only a hostname has no
// address to serve; one with ipMode Proxy (KEP-1860) is reached through the
// load balancer's own proxy, so the node must not claim its address.
std::vector<IpAddress> readLoadBalancerIPs(const JsonValue& status) {
    std::vector<IpAddress> out;
    for (const auto& ingress : status["loadBalancer"]["ingress"].items()) {
        auto mode = ingress["ipMode"].string();
        if (mode && *mode == "Proxy") continue;
        if (ingress["ip"].present())
            if (auto ip = readIp(ingress["ip"])) out.push_back(*ip);
    }
    return out;
}

std::optional<state::ServicePort> readServicePort(const JsonValue& v) {
    state::ServicePort p;
    p.name = v["name"].string().value_or("");
    p.protocol = readProtocol(v["protocol"]);
    auto port = readPort(v["port"], true);
    if (!port) return std::nullopt;
    p.port = *port;
    // An absent or 0 targetPort means "same as port" (API default).
    auto target = v["targetPort"];
    bool zero = target.isInteger() && target.integer() == 0;
    if (!target.present() || zero) {
        p.targetPort = p.port;
    } else if (auto ref = readPortRef(target)) {
        p.targetPort = *ref;
    }
    if (auto nodePort = v["nodePort"].integer(); nodePort && *nodePort != 0) {
        if (auto np = readPort(v["nodePort"])) p.nodePort = *np;
    }
    return p;
}

}  // namespace

void readService(const JsonValue& root, state::Service& out) {
    out.labels = root["metadata"]["labels"].stringMap();
    out.annotations = root["metadata"]["annotations"].stringMap();
    JsonValue spec = root["spec"];
    out.type = readType(spec["type"]);
    out.clusterIPs = readClusterIPs(spec);
    out.externalIPs = readIps(spec["externalIPs"]);
    out.loadBalancerIPs = readLoadBalancerIPs(root["status"]);
    out.loadBalancerSourceRanges = readPrefixes(spec["loadBalancerSourceRanges"], true);
    out.externalName = spec["externalName"].string().value_or("");

    if (auto affinity = spec["sessionAffinity"].string()) {
        if (*affinity == "ClientIP")
            out.sessionAffinity = state::SessionAffinity::ClientIP;
        else if (*affinity != "None")
            spec["sessionAffinity"].error("unknown session affinity '" + *affinity + "', expected None or ClientIP");
    }
    JsonValue timeout = spec["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"];
    if (auto seconds = timeout.integer()) {
        // API validation: 0 < timeoutSeconds <= 86400 (one day).
        if (*seconds < 1 || *seconds > 86400)
            timeout.error(std::to_string(*seconds) + " is out of range 1-86400");
        else
            out.sessionAffinityTimeoutSeconds = static_cast<std::uint32_t>(*seconds);
    }
    out.externalTrafficPolicy = readPolicy(spec["externalTrafficPolicy"]);
    out.internalTrafficPolicy = readPolicy(spec["internalTrafficPolicy"]);
    if (auto hc = spec["healthCheckNodePort"].integer(); hc && *hc != 0)
        if (auto port = readPort(spec["healthCheckNodePort"])) out.healthCheckNodePort = *port;

    for (const auto& item : spec["ports"].items())
        if (auto port = readServicePort(item)) out.ports.push_back(std::move(*port));
}

}  // namespace nodeplane::k8sjson
