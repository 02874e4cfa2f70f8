// [[networkPolicies]]: networking.k8s.io/v1 NetworkPolicy. Peers, ports and
// policyTypes are checked as the API checks them, since a typo here would
// silently widen or narrow who may talk to whom.
#include <algorithm>

#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {
namespace {

Result<PolicyType> toPolicyType(std::string_view text) {
    if (text == "Ingress") return PolicyType::Ingress;
    if (text == "Egress") return PolicyType::Egress;
    return Error::logical("unknown value '" + std::string(text) + "'; expected one of Ingress, Egress");
}

void readPolicyPort(TableReader& p, std::vector<PolicyPort>& out) {
    PolicyPort port;
    port.protocol = readProtocol(p);
    port.port = readPortRef(p, "port");
    if (auto endPort = readPort(p, "endPort")) {
        const toml::node& at = *p.table().get("endPort");
        // NetworkPolicyPort.endPort: needs a numeric port, and port <= endPort.
        if (!p.table().get("port"))
            p.error(at, "endPort", "requires a port");
        else if (port.port && std::holds_alternative<std::string>(*port.port))
            p.error(at, "endPort", "requires a numeric port, not a port name");
        else if (port.port && std::get<std::uint16_t>(*port.port) > *endPort)
            p.error(at, "endPort",
                    std::to_string(*endPort) + " is less than port " +
                        std::to_string(std::get<std::uint16_t>(*port.port)));
        port.endPort = endPort;
    }
    out.push_back(std::move(port));
}

void readIpBlock(TableReader& b, PolicyPeer& peer) {
    auto cidr = b.converted("cidr", toPrefix, Need::Required);
    auto except = b.items("except", toPrefix);
    IpBlock block;
    if (cidr) block.cidr = *cidr;
    for (auto& item : except.value_or(std::vector<Item<IpPrefix>>{})) {
        const IpPrefix& inner = item.value;
        bool inside = cidr && inner.address.family == cidr->address.family && inner.length > cidr->length &&
                      cidr->contains(inner.address);
        if (cidr && !inside)
            b.errorAt(item.node->source(), item.path,
                      inner.toString() + " is not a strict subset of cidr " + cidr->toString());
        block.except.push_back(inner);
    }
    if (cidr) peer.ipBlock = std::move(block);
}

void readPeer(TableReader& p, std::vector<PolicyPeer>& out) {
    PolicyPeer peer;
    peer.podSelector = readSelector(p, "podSelector");
    peer.namespaceSelector = readSelector(p, "namespaceSelector");
    p.withTable("ipBlock", [&](TableReader& b) { readIpBlock(b, peer); });

    // NetworkPolicyPeer: exactly one of ipBlock or the selectors.
    const toml::node* ipBlock = p.table().get("ipBlock");
    bool selectors = p.table().get("podSelector") || p.table().get("namespaceSelector");
    if (!ipBlock && !selectors) p.tableError("needs podSelector, namespaceSelector or ipBlock");
    if (ipBlock && selectors)
        p.error(*ipBlock, "ipBlock", "cannot be combined with podSelector or namespaceSelector");
    out.push_back(std::move(peer));
}

void readRules(TableReader& r, std::string_view key, std::string_view peersKey, std::vector<PolicyRule>& out) {
    r.forEachTable(key, [&](TableReader& rule, std::size_t) {
        PolicyRule parsed;
        rule.forEachTable(peersKey, [&](TableReader& p, std::size_t) { readPeer(p, parsed.peers); });
        rule.forEachTable("ports", [&](TableReader& p, std::size_t) { readPolicyPort(p, parsed.ports); });
        out.push_back(std::move(parsed));
    });
}

void readPolicyTypes(TableReader& r, NetworkPolicy& policy) {
    auto given = r.items("policyTypes", toPolicyType);
    for (auto& item : given.value_or(std::vector<Item<PolicyType>>{})) {
        if (std::find(policy.policyTypes.begin(), policy.policyTypes.end(), item.value) != policy.policyTypes.end()) {
            r.errorAt(item.node->source(), item.path, "listed twice");
            continue;
        }
        policy.policyTypes.push_back(item.value);
    }
    // Absent or empty, the API defaults it: Ingress always, Egress when the
    // policy has egress rules.
    const toml::node* raw = r.table().get("policyTypes");
    bool empty = !raw || (raw->as_array() && raw->as_array()->empty());
    if (!empty) return;
    policy.policyTypes.push_back(PolicyType::Ingress);
    const toml::node* egress = r.table().get("egress");
    if (egress && egress->as_array() && !egress->as_array()->empty()) policy.policyTypes.push_back(PolicyType::Egress);
}

}  // namespace

void readNetworkPolicy(TableReader& r, ParsedSnapshot& out) {
    NetworkPolicy policy;
    policy.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "NetworkPolicy", Scope::Namespaced, config::checkDnsSubdomain, out);
    policy.annotations = readAnnotations(r, "annotations");
    // Required as in the API: {} selects every pod, and a forgotten selector
    // must not mean "all pods" by accident.
    policy.podSelector = readSelector(r, "podSelector", Need::Required).value_or(LabelSelector{});
    readRules(r, "ingress", "from", policy.ingress);
    readRules(r, "egress", "to", policy.egress);
    readPolicyTypes(r, policy);

    if (!id) return;
    policy.namespace_ = id->namespace_;
    policy.name = id->name;
    out.model.networkPolicies.push_back(std::move(policy));
}

}  // namespace nodeplane::state
