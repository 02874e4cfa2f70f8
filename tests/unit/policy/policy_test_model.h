// A small cluster for the policy compiler's tests: namespaces x and y
// (labelled as the upstream policy tests label them), pods a and b in each
// (labelled pod=<name>, serving TCP 80 as "http" and UDP 53 as "dns"), x's
// pods on this node (n1), y's on n2.
#pragma once

#include <netinet/in.h>

#include <algorithm>

#include "policy/policy_compiler.h"

namespace nodeplane::policy::test {

inline state::Pod makePod(const std::string& ns, const std::string& name, const std::string& node, const char* ip) {
    state::Pod p;
    p.namespace_ = ns;
    p.name = name;
    p.nodeName = node;
    p.labels = {{"pod", name}};
    p.podIPs = {*IpAddress::parse(ip)};
    p.ports = {{"http", 80, state::Protocol::TCP}, {"dns", 53, state::Protocol::UDP}};
    if (node == "n1") p.interface = "np-" + ns + name;
    return p;
}

inline state::Model makeModel() {
    state::Model m;
    m.node = "n1";
    m.nodes.push_back(state::Node{.name = "n1", .addresses = {*IpAddress::parse("192.168.0.1")}});
    m.nodes.push_back(state::Node{.name = "n2", .addresses = {*IpAddress::parse("192.168.0.2")}});
    for (const char* ns : {"x", "y"})
        m.namespaces.push_back(state::Namespace{.name = ns, .labels = {{"ns", ns}, {"kubernetes.io/metadata.name", ns}}});
    m.pods.push_back(makePod("x", "a", "n1", "10.0.1.10"));
    m.pods.push_back(makePod("x", "b", "n1", "10.0.1.11"));
    m.pods.push_back(makePod("y", "a", "n2", "10.0.2.10"));
    m.pods.push_back(makePod("y", "b", "n2", "10.0.2.11"));
    return m;
}

// x/a is endpoint 1, x/b endpoint 2.
inline std::vector<compiler::LocalEndpoint> localEndpoints() {
    return {{*IpAddress::parse("10.0.1.10"), "np-xa", "x/a", 1}, {*IpAddress::parse("10.0.1.11"), "np-xb", "x/b", 2}};
}

inline state::NetworkPolicy policyIn(const std::string& ns, const std::string& name, state::Labels podSelector,
                                     std::vector<state::PolicyType> types = {state::PolicyType::Ingress}) {
    state::NetworkPolicy p;
    p.namespace_ = ns;
    p.name = name;
    p.podSelector.matchLabels = std::move(podSelector);
    p.policyTypes = std::move(types);
    return p;
}

inline state::PolicyPeer podPeer(state::Labels pods) {
    state::PolicyPeer peer;
    peer.podSelector = state::LabelSelector{std::move(pods), {}};
    return peer;
}

inline state::PolicyPeer namespacePeer(state::Labels namespaces) {
    state::PolicyPeer peer;
    peer.namespaceSelector = state::LabelSelector{std::move(namespaces), {}};
    return peer;
}

inline state::PolicyPort tcp(std::uint16_t port, std::optional<std::uint16_t> endPort = std::nullopt) {
    return state::PolicyPort{state::Protocol::TCP, state::PortRef{port}, endPort};
}

inline const EndpointPolicy* endpoint(const DesiredPolicy& d, std::uint32_t id) {
    for (const auto& ep : d.endpoints)
        if (ep.endpointId == id) return &ep;
    return nullptr;
}

inline IdentityId identityOf(const DesiredPolicy& d, const char* ip) {
    auto address = *IpAddress::parse(ip);
    return d.ipcache.at(IpPrefix{address, address.bitLength()}).identity;
}

// The entries of one endpoint in one direction, rendered for comparison:
// "<remote> <proto> <port>/<bits>", remote as the pod's address or a name.
inline std::string entries(const DesiredPolicy& d, std::uint32_t endpointId, Direction direction) {
    const auto* ep = endpoint(d, endpointId);
    if (!ep) return "no endpoint";
    auto remoteName = [&](IdentityId id) -> std::string {
        if (const char* reserved = reservedIdentityName(id)) return reserved;
        const auto& identity = d.identities.at(id);
        if (identity.kind == IdentityKind::Cidr) return "cidr:" + identity.cidr->toString();
        return identity.namespace_ + "/" + identity.labels.at("pod");
    };
    std::vector<std::string> lines;
    for (const auto& [key, policyId] : ep->allows) {
        if (key.direction != direction) continue;
        std::string proto = key.protocol == 0 ? "any" : key.protocol == IPPROTO_TCP ? "tcp" : key.protocol == IPPROTO_UDP ? "udp" : "sctp";
        lines.push_back(remoteName(key.remote) + " " + proto + " " + std::to_string(key.port.port) + "/" +
                        std::to_string(key.port.bits));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "; ";
    return out;
}

}  // namespace nodeplane::policy::test
