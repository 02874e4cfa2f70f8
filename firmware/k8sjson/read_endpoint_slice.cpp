#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

// Label the EndpointSlice controller sets to the owning Service's name.
constexpr const char* kServiceNameLabel = "kubernetes.io/service-name";

// EndpointConditions with the API's nil rules: nil ready means ready, nil
// serving takes the value of ready, nil terminating means not terminating.
state::EndpointConditions readConditions(const JsonValue& v) {
    state::EndpointConditions c;
    c.ready = v["ready"].boolean().value_or(true);
    c.serving = v["serving"].boolean().value_or(c.ready);
    c.terminating = v["terminating"].boolean().value_or(false);
    return c;
}

std::optional<state::ObjectRef> readTargetRef(const JsonValue& v) {
    if (!v.present()) return std::nullopt;
    state::ObjectRef ref;
    ref.kind = v["kind"].string().value_or("");
    ref.namespace_ = v["namespace"].string().value_or("");
    ref.name = v["name"].string().value_or("");
    return ref;
}

state::Endpoint readEndpoint(const JsonValue& v, IpFamily family) {
    state::Endpoint ep;
    JsonValue addresses = v["addresses"];
    if (!addresses.present()) addresses.error("is required");
    for (const auto& item : addresses.items()) {
        auto ip = readIp(item);
        if (!ip) continue;
        if (ip->family != family)
            item.error("'" + ip->toString() + "' is not of the slice's addressType");
        else
            ep.addresses.push_back(*ip);
    }
    ep.conditions = readConditions(v["conditions"]);
    ep.nodeName = v["nodeName"].string().value_or("");
    ep.zone = v["zone"].string().value_or("");
    for (const auto& zone : v["hints"]["forZones"].items())
        if (auto name = zone["name"].string(true)) ep.hintsForZones.push_back(*name);
    ep.targetRef = readTargetRef(v["targetRef"]);
    return ep;
}

}  // namespace

void readEndpointSlice(const JsonValue& root, state::EndpointSlice& out) {
    JsonValue labels = root["metadata"]["labels"];
    auto all = labels.stringMap();
    if (auto it = all.find(kServiceNameLabel); it != all.end() && !it->second.empty())
        out.service = it->second;
    else
        labels.error(std::string("has no '") + kServiceNameLabel + "' label naming the slice's Service");

    JsonValue type = root["addressType"];
    auto typeText = type.string(true);
    IpFamily family = IpFamily::V4;
    if (typeText && *typeText == "IPv6") {
        out.addressType = state::AddressType::IPv6;
        family = IpFamily::V6;
    } else if (typeText && *typeText != "IPv4") {
        // FQDN slices carry no addresses a datapath can use; kube-proxy ignores them.
        type.error("addressType '" + *typeText + "' is not supported, expected IPv4 or IPv6");
    }

    for (const auto& v : root["ports"].items()) {
        state::EndpointPort port;
        port.name = v["name"].string().value_or("");
        port.protocol = readProtocol(v["protocol"]);
        if (v["port"].present())
            if (auto n = readPort(v["port"])) port.port = *n;
        out.ports.push_back(std::move(port));
    }
    for (const auto& v : root["endpoints"].items()) out.endpoints.push_back(readEndpoint(v, family));
}

}  // namespace nodeplane::k8sjson
