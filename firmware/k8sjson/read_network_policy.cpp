#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

std::optional<state::SelectorOperator> readOperator(const JsonValue& v) {
    auto text = v.string(true);
    if (!text) return std::nullopt;
    if (*text == "In") return state::SelectorOperator::In;
    if (*text == "NotIn") return state::SelectorOperator::NotIn;
    if (*text == "Exists") return state::SelectorOperator::Exists;
    if (*text == "DoesNotExist") return state::SelectorOperator::DoesNotExist;
    v.error("unknown operator '" + *text + "'");
    return std::nullopt;
}

// {matchLabels, matchExpressions}; {} selects everything.
std::optional<state::LabelSelector> readSelector(const JsonValue& v) {
    if (!v.present()) return std::nullopt;
    state::LabelSelector s;
    s.matchLabels = v["matchLabels"].stringMap();
    for (const auto& e : v["matchExpressions"].items()) {
        state::SelectorRequirement r;
        r.key = e["key"].string(true).value_or("");
        auto op = readOperator(e["operator"]);
        if (op) r.op = *op;
        r.values = e["values"].strings();
        bool needsValues = r.op == state::SelectorOperator::In || r.op == state::SelectorOperator::NotIn;
        if (op && needsValues == r.values.empty())
            e["values"].error(needsValues ? "must not be empty for In and NotIn"
                                          : "must be empty for Exists and DoesNotExist");
        s.matchExpressions.push_back(std::move(r));
    }
    return s;
}

state::PolicyPeer readPeer(const JsonValue& v) {
    state::PolicyPeer p;
    p.podSelector = readSelector(v["podSelector"]);
    p.namespaceSelector = readSelector(v["namespaceSelector"]);
    JsonValue block = v["ipBlock"];
    if (block.present()) {
        if (auto cidr = readPrefix(block["cidr"])) {
            state::IpBlock b;
            b.cidr = *cidr;
            b.except = readPrefixes(block["except"]);
            p.ipBlock = std::move(b);
        } else if (!block["cidr"].present()) {
            block["cidr"].error("is required");
        }
        if (p.podSelector || p.namespaceSelector) v.error("ipBlock cannot be combined with a selector");
    }
    return p;
}

state::PolicyPort readPolicyPort(const JsonValue& v) {
    state::PolicyPort p;
    p.protocol = readProtocol(v["protocol"]);
    p.port = readPortRef(v["port"]);
    if (v["endPort"].present()) {
        p.endPort = readPort(v["endPort"]);
        bool numeric = p.port && std::holds_alternative<std::uint16_t>(*p.port);
        if (!numeric)
            v["endPort"].error("needs a numeric port");
        else if (p.endPort && *p.endPort < std::get<std::uint16_t>(*p.port))
            v["endPort"].error("is below port");
    }
    return p;
}

std::vector<state::PolicyRule> readRules(const JsonValue& list, const char* peersKey) {
    std::vector<state::PolicyRule> out;
    for (const auto& v : list.items()) {
        state::PolicyRule rule;
        for (const auto& peer : v[peersKey].items()) rule.peers.push_back(readPeer(peer));
        for (const auto& port : v["ports"].items()) rule.ports.push_back(readPolicyPort(port));
        out.push_back(std::move(rule));
    }
    return out;
}

}  // namespace

void readNetworkPolicy(const JsonValue& root, state::NetworkPolicy& out) {
    out.annotations = root["metadata"]["annotations"].stringMap();
    JsonValue spec = root["spec"];
    out.podSelector = readSelector(spec["podSelector"]).value_or(state::LabelSelector{});
    out.ingress = readRules(spec["ingress"], "from");
    out.egress = readRules(spec["egress"], "to");
    JsonValue types = spec["policyTypes"];
    if (types.present()) {
        for (const auto& t : types.items()) {
            auto text = t.string();
            if (text && *text == "Ingress")
                out.policyTypes.push_back(state::PolicyType::Ingress);
            else if (text && *text == "Egress")
                out.policyTypes.push_back(state::PolicyType::Egress);
            else if (text)
                t.error("unknown policy type '" + *text + "', expected Ingress or Egress");
        }
    } else {
        // API default: Ingress always, Egress when the policy has egress rules.
        out.policyTypes.push_back(state::PolicyType::Ingress);
        if (!out.egress.empty()) out.policyTypes.push_back(state::PolicyType::Egress);
    }
}

}  // namespace nodeplane::k8sjson
