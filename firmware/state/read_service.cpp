// [[services]]: VIPs, ports and the policies that pick backends. Keys that
// only mean something for some types are refused on the others, as the
// Kubernetes API refuses them, so a misplaced key is never silently ignored.
#include <algorithm>

#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {
namespace {

using config::checkedString;

constexpr std::int64_t kMaxAffinitySeconds = 86400;  // ClientIPConfig.timeoutSeconds: 0 < t <= 1 day

// What the reader knows about the service while it reads the rest.
struct Shape {
    std::optional<ServiceType> type;  // nullopt: the type was invalid, so type rules are skipped
    bool headless = false;
    bool named = false;  // the identity is valid: claims may be made
};

bool is(const Shape& shape, std::initializer_list<ServiceType> types) {
    return shape.type && std::find(types.begin(), types.end(), *shape.type) != types.end();
}
bool isNot(const Shape& shape, std::initializer_list<ServiceType> types) {
    return shape.type && !is(shape, types);
}

void refuseIfGiven(TableReader& r, std::string_view key, bool refuse, const char* message) {
    const toml::node* given = r.table().get(key);
    if (refuse && given) r.error(*given, key, message);
}

void readClusterIPs(TableReader& r, Service& service, Shape& shape, ParsedSnapshot& out) {
    const toml::node* given = r.node("clusterIPs");
    if (is(shape, {ServiceType::ExternalName})) {
        refuseIfGiven(r, "clusterIPs", true, "not allowed for type ExternalName");
        return;
    }
    if (!given) {
        if (shape.type) r.errorAt(r.table().source(), r.pathOf("clusterIPs"), "required ([\"None\"] for a headless service)");
        return;
    }
    const toml::array* array = given->as_array();
    if (array && array->size() == 1 && array->get(0)->value<std::string>() == "None") {
        shape.headless = true;
        if (isNot(shape, {ServiceType::ClusterIP}))
            r.error(*given, "clusterIPs", "a headless service (\"None\") must have type ClusterIP");
        return;
    }
    if (array && array->empty()) {
        r.error(*given, "clusterIPs", "must not be empty ([\"None\"] for a headless service)");
        return;
    }
    auto ips = readIpsOnePerFamily(r, "clusterIPs");
    service.clusterIPs = valuesOf(ips);
    if (shape.named)
        for (const auto& ip : ips)
            out.claims.push_back(Claim{Claim::Kind::ClusterIp, ip.value.toString(),
                                       KeySite{locationOf(r, ip.node->source()), r.object(), ip.path}});
}

void readAffinity(TableReader& r, Service& service) {
    auto affinity = r.oneOf<SessionAffinity>("sessionAffinity",
                                             {{"None", SessionAffinity::None}, {"ClientIP", SessionAffinity::ClientIP}});
    service.sessionAffinity = affinity.value_or(SessionAffinity::None);
    auto timeout = r.integer("sessionAffinityTimeoutSeconds", 1, kMaxAffinitySeconds);
    if (!timeout) return;
    // sessionAffinityConfig must be absent unless the affinity is ClientIP.
    bool affinityValid = affinity || !r.table().get("sessionAffinity");
    if (affinityValid && service.sessionAffinity != SessionAffinity::ClientIP)
        r.error(*r.table().get("sessionAffinityTimeoutSeconds"), "sessionAffinityTimeoutSeconds",
                "only allowed with sessionAffinity ClientIP");
    service.sessionAffinityTimeoutSeconds = static_cast<std::uint32_t>(*timeout);
}

void readPorts(TableReader& r, Service& service, const Shape& shape, ParsedSnapshot& out) {
    const toml::node* given = r.table().get("ports");
    std::size_t count = given && given->as_array() ? given->as_array()->size() : 0;
    std::vector<std::pair<std::string, std::string>> names;   // name, its path
    std::vector<std::pair<std::string, std::string>> numbers;  // "80/TCP", its path

    r.forEachTable("ports", [&](TableReader& p, std::size_t) {
        ServicePort port;
        auto name = p.converted("name", checkedString(config::checkDnsLabel));
        port.protocol = readProtocol(p);
        auto number = readPort(p, "port", Need::Required);
        auto target = readPortRef(p, "targetPort");
        auto nodePort = readPort(p, "nodePort");

        if (name) {
            auto seen = std::find_if(names.begin(), names.end(), [&](const auto& n) { return n.first == *name; });
            if (seen != names.end())
                p.error(*p.table().get("name"), "name", "'" + *name + "' is also the name of " + seen->second);
            else
                names.emplace_back(*name, p.path());
            port.name = *name;
        } else if (count > 1 && !p.table().get("name")) {
            p.errorAt(p.table().source(), p.pathOf("name"), "required when a Service has more than one port");
        }

        if (number) {
            port.port = *number;
            std::string key = std::to_string(*number) + "/" + protocolName(port.protocol);
            auto seen = std::find_if(numbers.begin(), numbers.end(), [&](const auto& n) { return n.first == key; });
            if (seen != numbers.end())
                p.error(*p.table().get("port"), "port", key + " is also " + seen->second);
            else
                numbers.emplace_back(key, p.path());
        }
        // ServicePort.targetPort defaults to port.
        port.targetPort = target.value_or(PortRef{port.port});

        if (nodePort) {
            if (isNot(shape, {ServiceType::NodePort, ServiceType::LoadBalancer}))
                p.error(*p.table().get("nodePort"), "nodePort", "only allowed for type NodePort or LoadBalancer");
            port.nodePort = *nodePort;
            if (shape.named)
                out.claims.push_back(Claim{Claim::Kind::NodePort,
                                           std::to_string(*nodePort) + "/" + protocolName(port.protocol),
                                           siteOf(p, *p.table().get("nodePort"), "nodePort")});
        } else if (is(shape, {ServiceType::NodePort}) && !p.table().get("nodePort")) {
            p.errorAt(p.table().source(), p.pathOf("nodePort"), "required for type NodePort");
        }
        service.ports.push_back(std::move(port));
    });

    // A Service with a VIP routes ports; a headless or ExternalName one may have none.
    bool needsPorts = shape.type && !shape.headless && *shape.type != ServiceType::ExternalName;
    if (needsPorts && count == 0) {
        if (given && given->as_array())
            r.error(*given, "ports", "must list at least one port");
        else if (!given)
            r.errorAt(r.table().source(), r.pathOf("ports"), "required");
    }
}

}  // namespace

void readService(TableReader& r, ParsedSnapshot& out) {
    Service service;
    service.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "Service", Scope::Namespaced, config::checkDns1035Label, out);
    service.labels = readLabels(r, "labels");
    service.annotations = readAnnotations(r, "annotations");

    Shape shape;
    shape.named = id.has_value();
    shape.type = r.oneOf<ServiceType>("type", {{"ClusterIP", ServiceType::ClusterIP},
                                               {"NodePort", ServiceType::NodePort},
                                               {"LoadBalancer", ServiceType::LoadBalancer},
                                               {"ExternalName", ServiceType::ExternalName}});
    if (!shape.type && !r.table().get("type")) shape.type = ServiceType::ClusterIP;  // the API's default
    service.type = shape.type.value_or(ServiceType::ClusterIP);

    bool external = is(shape, {ServiceType::ExternalName});
    service.externalName = r.converted("externalName", checkedString(config::checkDnsSubdomain),
                                       external ? Need::Required : Need::Optional)
                               .value_or("");
    refuseIfGiven(r, "externalName", isNot(shape, {ServiceType::ExternalName}), "only allowed for type ExternalName");

    readClusterIPs(r, service, shape, out);
    if (auto ips = r.list("externalIPs", toIp)) service.externalIPs = std::move(*ips);
    refuseIfGiven(r, "externalIPs", external, "not allowed for type ExternalName");

    bool notLoadBalancer = isNot(shape, {ServiceType::LoadBalancer});
    if (auto ips = r.list("loadBalancerIPs", toIp)) service.loadBalancerIPs = std::move(*ips);
    refuseIfGiven(r, "loadBalancerIPs", notLoadBalancer, "only allowed for type LoadBalancer");
    if (auto ranges = r.list("loadBalancerSourceRanges", toPrefix)) service.loadBalancerSourceRanges = std::move(*ranges);
    refuseIfGiven(r, "loadBalancerSourceRanges", notLoadBalancer, "only allowed for type LoadBalancer");
    service.healthCheckNodePort = readPort(r, "healthCheckNodePort").value_or(0);
    refuseIfGiven(r, "healthCheckNodePort", notLoadBalancer, "only allowed for type LoadBalancer");

    readAffinity(r, service);
    auto policy = [&r](std::string_view key) {
        return r.oneOf<TrafficPolicy>(key, {{"Cluster", TrafficPolicy::Cluster}, {"Local", TrafficPolicy::Local}})
            .value_or(TrafficPolicy::Cluster);
    };
    service.externalTrafficPolicy = policy("externalTrafficPolicy");
    service.internalTrafficPolicy = policy("internalTrafficPolicy");

    readPorts(r, service, shape, out);

    if (!id) return;
    service.namespace_ = id->namespace_;
    service.name = id->name;
    out.model.services.push_back(std::move(service));
}

}  // namespace nodeplane::state
