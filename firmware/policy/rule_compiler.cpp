#include "policy/rule_compiler.h"

#include <netinet/in.h>

#include <algorithm>

#include "policy/label_selector.h"

namespace nodeplane::policy {

namespace {

void allow(std::map<PolicyEntryKey, std::uint32_t>& allows, const PolicyEntryKey& key, std::uint32_t policyId) {
    auto [it, added] = allows.try_emplace(key, policyId);
    if (!added && policyId < it->second) it->second = policyId;
}

// The pod identities `peer` selects, as indices into view.podIdentities().
// A podSelector alone selects in the policy's own namespace; a
// namespaceSelector alone every pod of the namespaces it selects; both
// together, the pods that match both (NetworkPolicyPeer).
void selectedIdentities(const state::NetworkPolicy& policy, const state::PolicyPeer& peer, const ClusterView& view,
                        std::vector<std::size_t>& out) {
    auto fromNamespace = [&](const NamespaceIdentities& ns) {
        for (std::size_t index : ns.pods)
            if (!peer.podSelector || selects(*peer.podSelector, *view.podIdentities()[index].labels))
                out.push_back(index);
    };
    if (!peer.namespaceSelector) {
        if (const auto* ns = view.namespaceNamed(policy.namespace_)) fromNamespace(*ns);
        return;
    }
    for (const auto& ns : view.namespaces())
        if (selects(*peer.namespaceSelector, *ns.labels)) fromNamespace(ns);
}

std::set<std::uint16_t> namedOn(const NamedPorts& ports, const std::string& name, state::Protocol protocol) {
    auto it = ports.find({name, protocol});
    return it == ports.end() ? std::set<std::uint16_t>{} : it->second;
}

std::set<std::uint16_t> namedOnPod(const state::Pod& pod, const std::string& name, state::Protocol protocol) {
    std::set<std::uint16_t> out;
    for (const auto& p : pod.ports)
        if (p.name == name && p.protocol == protocol) out.insert(p.containerPort);
    return out;
}

// Every remote of the rule, with the named-port table of its destination pods
// (egress named ports resolve there).
struct Remote {
    IdentityId id;
    const NamedPorts* namedPorts;  // nullptr: no pods behind it (any)
};

std::vector<Remote> remotesOf(const RuleRemotes& remotes) {
    std::vector<Remote> out;
    if (remotes.any) out.push_back(Remote{kIdentityAny, nullptr});
    for (const auto* p : remotes.pods) out.push_back(Remote{p->id, &p->namedPorts});
    for (const auto* c : remotes.cidrs) out.push_back(Remote{c->id, &c->namedPorts});
    return out;
}

}  // namespace

std::uint8_t wireProtocol(state::Protocol protocol) {
    switch (protocol) {
        case state::Protocol::TCP: return IPPROTO_TCP;
        case state::Protocol::UDP: return IPPROTO_UDP;
        case state::Protocol::SCTP: return IPPROTO_SCTP;
    }
    return IPPROTO_TCP;
}

RuleRemotes resolvePeers(const state::NetworkPolicy& policy, const state::PolicyRule& rule, const ClusterView& view) {
    RuleRemotes out;
    // An absent or empty from/to: every remote (NetworkPolicyIngressRule).
    if (rule.peers.empty()) {
        out.any = true;
        return out;
    }
    std::vector<std::size_t> selected;
    for (const auto& peer : rule.peers)
        if (!peer.ipBlock) selectedIdentities(policy, peer, view, selected);
    // Identity order, each once: the order the entries were always made in.
    std::ranges::sort(selected);
    selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
    for (std::size_t index : selected) out.pods.push_back(&view.podIdentities()[index]);
    for (const auto& cidr : view.cidrIdentities())
        for (const auto& peer : rule.peers)
            if (peer.ipBlock && CidrClasses::inBlock(cidr.prefix, *peer.ipBlock)) {
                out.cidrs.push_back(&cidr);
                break;
            }
    return out;
}

void addRuleEntries(const state::PolicyRule& rule, const RuleRemotes& remotes, Direction direction,
                    const state::Pod& localPod, const ClusterView& view, std::uint32_t policyId,
                    std::map<PolicyEntryKey, std::uint32_t>& allows) {
    auto remoteList = remotesOf(remotes);
    // No ports: every protocol and port.
    if (rule.ports.empty()) {
        for (const auto& r : remoteList) allow(allows, PolicyEntryKey{r.id, direction, kAnyProtocol, kAnyPort}, policyId);
        return;
    }
    for (const auto& port : rule.ports) {
        const std::uint8_t protocol = wireProtocol(port.protocol);
        auto addNumbers = [&](IdentityId remote, const std::set<std::uint16_t>& numbers) {
            for (auto n : numbers) allow(allows, PolicyEntryKey{remote, direction, protocol, PortPrefix{n, 16}}, policyId);
        };
        if (!port.port) {
            for (const auto& r : remoteList) allow(allows, PolicyEntryKey{r.id, direction, protocol, kAnyPort}, policyId);
            continue;
        }
        if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
            std::uint16_t last = port.endPort && *port.endPort >= *number ? *port.endPort : *number;
            for (const auto& prefix : portRangePrefixes(*number, last))
                for (const auto& r : remoteList) allow(allows, PolicyEntryKey{r.id, direction, protocol, prefix}, policyId);
            continue;
        }
        const auto& name = std::get<std::string>(*port.port);
        if (direction == Direction::Ingress) {
            auto numbers = namedOnPod(localPod, name, port.protocol);
            for (const auto& r : remoteList) addNumbers(r.id, numbers);
            continue;
        }
        for (const auto& r : remoteList) {
            if (r.namedPorts) {
                addNumbers(r.id, namedOn(*r.namedPorts, name, port.protocol));
                continue;
            }
            // Any destination: the name means whatever each pod gives it, so
            // one entry per pod identity that has it. Addresses that are not
            // pods have no port names.
            for (const auto& pod : view.podIdentities()) addNumbers(pod.id, namedOn(pod.namedPorts, name, port.protocol));
        }
    }
}

}  // namespace nodeplane::policy
