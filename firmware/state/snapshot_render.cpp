// renderSnapshot: the model as toml++ tables, serialized by toml++ (which
// quotes keys and strings). A toml::table keeps its keys sorted, which makes
// the output deterministic. Objects are `[[kind]]` sections; the small
// tables inside them are inline, except a policy's rules and peers and a
// slice's endpoints, which get sections of their own to stay readable.
#include <sstream>

#include <toml++/toml.h>

#include "state/snapshot_writer.h"

namespace nodeplane::state {
namespace {

constexpr std::uint32_t kDefaultAffinitySeconds = 10800;  // the parser's default (Kubernetes': 3 h)


const char* serviceTypeName(ServiceType t) {
    switch (t) {
        case ServiceType::ClusterIP: return "ClusterIP";
        case ServiceType::NodePort: return "NodePort";
        case ServiceType::LoadBalancer: return "LoadBalancer";
        case ServiceType::ExternalName: return "ExternalName";
    }
    return "ClusterIP";
}

const char* trafficPolicyName(TrafficPolicy p) { return p == TrafficPolicy::Local ? "Local" : "Cluster"; }

const char* operatorName(SelectorOperator op) {
    switch (op) {
        case SelectorOperator::In: return "In";
        case SelectorOperator::NotIn: return "NotIn";
        case SelectorOperator::Exists: return "Exists";
        case SelectorOperator::DoesNotExist: return "DoesNotExist";
    }
    return "In";
}

toml::table inlineTable() {
    toml::table t;
    t.is_inline(true);
    return t;
}

void putString(toml::table& t, std::string_view key, const std::string& value) {
    if (!value.empty()) t.insert_or_assign(key, value);
}

void putFlag(toml::table& t, std::string_view key, bool value) {
    if (value) t.insert_or_assign(key, true);
}

void putNumber(toml::table& t, std::string_view key, std::int64_t value) {
    if (value != 0) t.insert_or_assign(key, value);
}

void putMap(toml::table& t, std::string_view key, const Labels& map) {
    if (map.empty()) return;
    toml::table out = inlineTable();
    for (const auto& [k, v] : map) out.insert_or_assign(k, v);
    t.insert_or_assign(key, std::move(out));
}

void putStrings(toml::table& t, std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) return;
    toml::array out;
    for (const auto& v : values) out.push_back(v);
    t.insert_or_assign(key, std::move(out));
}

template <typename Ip>
void putIps(toml::table& t, std::string_view key, const std::vector<Ip>& values) {
    if (values.empty()) return;
    toml::array out;
    for (const auto& v : values) out.push_back(v.toString());
    t.insert_or_assign(key, std::move(out));
}

// A port number or name (targetPort, a policy port).
void putPortRef(toml::table& t, std::string_view key, const PortRef& ref) {
    if (const auto* name = std::get_if<std::string>(&ref))
        t.insert_or_assign(key, *name);
    else
        putNumber(t, key, std::get<std::uint16_t>(ref));  // 0: absent, the parser's default applies
}

template <typename T, typename F>
void putTables(toml::table& t, std::string_view key, const std::vector<T>& items, F&& render) {
    if (items.empty()) return;
    toml::array out;
    for (const auto& item : items) out.push_back(render(item));
    t.insert_or_assign(key, std::move(out));
}

toml::table selector(const LabelSelector& s) {
    toml::table t = inlineTable();
    putMap(t, "matchLabels", s.matchLabels);
    putTables(t, "matchExpressions", s.matchExpressions, [](const SelectorRequirement& r) {
        toml::table e = inlineTable();
        e.insert_or_assign("key", r.key);
        e.insert_or_assign("operator", operatorName(r.op));
        putStrings(e, "values", r.values);
        return e;
    });
    return t;
}

toml::table node(const Node& n) {
    toml::table t;
    t.insert_or_assign("name", n.name);
    putMap(t, "labels", n.labels);
    putIps(t, "addresses", n.addresses);
    putIps(t, "podCIDRs", n.podCIDRs);
    putTables(t, "taints", n.taints, [](const Taint& taint) {
        toml::table e = inlineTable();
        e.insert_or_assign("key", taint.key);
        putString(e, "value", taint.value);
        putString(e, "effect", taint.effect);
        return e;
    });
    putFlag(t, "unschedulable", n.unschedulable);
    putFlag(t, "deleting", n.deleting);
    return t;
}

toml::table namespace_(const Namespace& n) {
    toml::table t;
    t.insert_or_assign("name", n.name);
    putMap(t, "labels", n.labels);
    putMap(t, "annotations", n.annotations);
    return t;
}

toml::table pod(const Pod& p) {
    toml::table t;
    t.insert_or_assign("namespace", p.namespace_);
    t.insert_or_assign("name", p.name);
    putMap(t, "labels", p.labels);
    putMap(t, "annotations", p.annotations);
    putString(t, "nodeName", p.nodeName);
    putIps(t, "podIPs", p.podIPs);
    putFlag(t, "hostNetwork", p.hostNetwork);
    putTables(t, "ports", p.ports, [](const ContainerPort& port) {
        toml::table e = inlineTable();
        putString(e, "name", port.name);
        e.insert_or_assign("containerPort", std::int64_t{port.containerPort});
        e.insert_or_assign("protocol", protocolName(port.protocol));
        return e;
    });
    if (p.interface) t.insert_or_assign("interface", *p.interface);
    putTables(t, "ownerReferences", p.ownerReferences, [](const OwnerReference& o) {
        toml::table e = inlineTable();
        e.insert_or_assign("kind", o.kind);
        e.insert_or_assign("name", o.name);
        if (o.controller) e.insert_or_assign("controller", *o.controller);
        return e;
    });
    return t;
}

toml::table service(const Service& s) {
    toml::table t;
    t.insert_or_assign("namespace", s.namespace_);
    t.insert_or_assign("name", s.name);
    putMap(t, "labels", s.labels);
    putMap(t, "annotations", s.annotations);
    t.insert_or_assign("type", serviceTypeName(s.type));
    putString(t, "externalName", s.externalName);
    if (s.type != ServiceType::ExternalName) {
        if (s.clusterIPs.empty())
            t.insert_or_assign("clusterIPs", toml::array{"None"});  // headless
        else
            putIps(t, "clusterIPs", s.clusterIPs);
    } else {
        putIps(t, "clusterIPs", s.clusterIPs);  // none in a valid model; the parser names it if any
    }
    putIps(t, "externalIPs", s.externalIPs);
    putIps(t, "loadBalancerIPs", s.loadBalancerIPs);
    putIps(t, "loadBalancerSourceRanges", s.loadBalancerSourceRanges);
    putNumber(t, "healthCheckNodePort", s.healthCheckNodePort);
    t.insert_or_assign("sessionAffinity", s.sessionAffinity == SessionAffinity::ClientIP ? "ClientIP" : "None");
    // Written whenever it says something: with affinity None and another
    // value, the parser refuses it, as the API does, rather than it being lost.
    if (s.sessionAffinity == SessionAffinity::ClientIP || s.sessionAffinityTimeoutSeconds != kDefaultAffinitySeconds)
        t.insert_or_assign("sessionAffinityTimeoutSeconds", std::int64_t{s.sessionAffinityTimeoutSeconds});
    t.insert_or_assign("externalTrafficPolicy", trafficPolicyName(s.externalTrafficPolicy));
    t.insert_or_assign("internalTrafficPolicy", trafficPolicyName(s.internalTrafficPolicy));
    putTables(t, "ports", s.ports, [](const ServicePort& port) {
        toml::table e = inlineTable();
        putString(e, "name", port.name);
        e.insert_or_assign("protocol", protocolName(port.protocol));
        e.insert_or_assign("port", std::int64_t{port.port});
        putPortRef(e, "targetPort", port.targetPort);
        putNumber(e, "nodePort", port.nodePort);
        return e;
    });
    return t;
}

toml::table endpoint(const Endpoint& e) {
    toml::table t;
    putIps(t, "addresses", e.addresses);
    toml::table conditions = inlineTable();
    conditions.insert_or_assign("ready", e.conditions.ready);
    conditions.insert_or_assign("serving", e.conditions.serving);
    conditions.insert_or_assign("terminating", e.conditions.terminating);
    t.insert_or_assign("conditions", std::move(conditions));
    putString(t, "nodeName", e.nodeName);
    putString(t, "zone", e.zone);
    if (!e.hintsForZones.empty()) {
        toml::table hints = inlineTable();
        putTables(hints, "forZones", e.hintsForZones, [](const std::string& zone) {
            toml::table z = inlineTable();
            z.insert_or_assign("name", zone);
            return z;
        });
        t.insert_or_assign("hints", std::move(hints));
    }
    if (e.targetRef) {
        toml::table ref = inlineTable();
        ref.insert_or_assign("kind", e.targetRef->kind);
        putString(ref, "namespace", e.targetRef->namespace_);
        ref.insert_or_assign("name", e.targetRef->name);
        t.insert_or_assign("targetRef", std::move(ref));
    }
    return t;
}

toml::table endpointSlice(const EndpointSlice& s) {
    toml::table t;
    t.insert_or_assign("namespace", s.namespace_);
    t.insert_or_assign("name", s.name);
    t.insert_or_assign("service", s.service);
    t.insert_or_assign("addressType", s.addressType == AddressType::IPv6 ? "IPv6" : "IPv4");
    putTables(t, "ports", s.ports, [](const EndpointPort& port) {
        toml::table e = inlineTable();
        putString(e, "name", port.name);
        e.insert_or_assign("port", std::int64_t{port.port});
        e.insert_or_assign("protocol", protocolName(port.protocol));
        return e;
    });
    putTables(t, "endpoints", s.endpoints, endpoint);
    return t;
}

toml::table peer(const PolicyPeer& p) {
    toml::table t;
    if (p.podSelector) t.insert_or_assign("podSelector", selector(*p.podSelector));
    if (p.namespaceSelector) t.insert_or_assign("namespaceSelector", selector(*p.namespaceSelector));
    if (p.ipBlock) {
        toml::table block = inlineTable();
        block.insert_or_assign("cidr", p.ipBlock->cidr.toString());
        putIps(block, "except", p.ipBlock->except);
        t.insert_or_assign("ipBlock", std::move(block));
    }
    return t;
}

toml::table policyPort(const PolicyPort& p) {
    toml::table t = inlineTable();
    t.insert_or_assign("protocol", protocolName(p.protocol));
    if (p.port) putPortRef(t, "port", *p.port);
    if (p.endPort) t.insert_or_assign("endPort", std::int64_t{*p.endPort});
    return t;
}

void putRules(toml::table& t, std::string_view key, std::string_view peersKey, const std::vector<PolicyRule>& rules) {
    putTables(t, key, rules, [peersKey](const PolicyRule& rule) {
        toml::table r;
        putTables(r, peersKey, rule.peers, peer);
        putTables(r, "ports", rule.ports, policyPort);
        return r;
    });
}

toml::table networkPolicy(const NetworkPolicy& p) {
    toml::table t;
    t.insert_or_assign("namespace", p.namespace_);
    t.insert_or_assign("name", p.name);
    putMap(t, "annotations", p.annotations);
    t.insert_or_assign("podSelector", selector(p.podSelector));
    toml::array types;
    for (auto type : p.policyTypes) types.push_back(type == PolicyType::Egress ? "Egress" : "Ingress");
    t.insert_or_assign("policyTypes", std::move(types));
    putRules(t, "ingress", "from", p.ingress);
    putRules(t, "egress", "to", p.egress);
    return t;
}

}  // namespace

std::string renderSnapshot(const Model& model) {
    toml::table document;
    document.insert_or_assign("format", std::int64_t{1});
    document.insert_or_assign("node", model.node);
    putTables(document, "nodes", model.nodes, node);
    putTables(document, "namespaces", model.namespaces, namespace_);
    putTables(document, "pods", model.pods, pod);
    putTables(document, "services", model.services, service);
    putTables(document, "endpointSlices", model.endpointSlices, endpointSlice);
    putTables(document, "networkPolicies", model.networkPolicies, networkPolicy);
    // Basic strings only, escapes included: every value on one line, quoted
    // the way the spec's examples are.
    constexpr auto kFlags = toml::toml_formatter::default_flags & ~toml::format_flags::allow_literal_strings &
                            ~toml::format_flags::allow_multi_line_strings;
    std::ostringstream out;
    out << toml::toml_formatter{document, kFlags} << '\n';
    return out.str();
}

}  // namespace nodeplane::state
