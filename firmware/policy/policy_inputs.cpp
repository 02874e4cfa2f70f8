#include "policy/policy_inputs.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "policy/policy_compiler.h"

namespace nodeplane::policy {

namespace {

// Two lanes with different multipliers and mixing, fed the same words.
class Digester {
public:
    // Eight bytes at a time (the tail zero-padded; lengths are fed
    // separately): 50,000 pods take a few milliseconds.
    void bytes(const void* data, std::size_t size) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (std::size_t i = 0; i < size; i += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, p + i, std::min<std::size_t>(8, size - i));
            a_ = (a_ ^ word) * 0x100000001b3ull;
            a_ ^= a_ >> 32;
            b_ = rotl((b_ + word) * 0x9e3779b97f4a7c15ull, 29);
        }
    }
    void number(std::uint64_t n) { bytes(&n, sizeof n); }
    // Length first, so ("ab","c") and ("a","bc") differ.
    void text(std::string_view s) {
        number(s.size());
        bytes(s.data(), s.size());
    }
    void labels(const state::Labels& labels) {
        number(labels.size());
        for (const auto& [k, v] : labels) {
            text(k);
            text(v);
        }
    }
    void ip(const IpAddress& ip) {
        number(static_cast<std::uint64_t>(ip.family));
        bytes(ip.bytes.data(), ip.bytes.size());
    }
    void prefix(const IpPrefix& p) {
        ip(p.address);
        number(static_cast<std::uint64_t>(p.length));
    }
    void selector(const state::LabelSelector& s) {
        labels(s.matchLabels);
        number(s.matchExpressions.size());
        for (const auto& r : s.matchExpressions) {
            text(r.key);
            number(static_cast<std::uint64_t>(r.op));
            number(r.values.size());
            for (const auto& v : r.values) text(v);
        }
    }
    void rules(const std::vector<state::PolicyRule>& rules) {
        number(rules.size());
        for (const auto& rule : rules) {
            number(rule.peers.size());
            for (const auto& peer : rule.peers) {
                optionalSelector(peer.podSelector);
                optionalSelector(peer.namespaceSelector);
                number(peer.ipBlock.has_value());
                if (!peer.ipBlock) continue;
                prefix(peer.ipBlock->cidr);
                number(peer.ipBlock->except.size());
                for (const auto& e : peer.ipBlock->except) prefix(e);
            }
            number(rule.ports.size());
            for (const auto& port : rule.ports) {
                number(static_cast<std::uint64_t>(port.protocol));
                number(port.port ? 1 + port.port->index() : 0);
                if (port.port) {
                    if (const auto* n = std::get_if<std::uint16_t>(&*port.port))
                        number(*n);
                    else
                        text(std::get<std::string>(*port.port));
                }
                number(port.endPort ? 0x10000u + *port.endPort : 0);
            }
        }
    }
    PolicyInputsDigest digest() const { return {a_, b_}; }

private:
    static std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
    void optionalSelector(const std::optional<state::LabelSelector>& s) {
        number(s.has_value());
        if (s) selector(*s);
    }

    std::uint64_t a_ = 0xcbf29ce484222325ull;
    std::uint64_t b_ = 0x243f6a8885a308d3ull;
};

}  // namespace

PolicyInputsDigest policyInputsDigest(const state::Model& model,
                                      const std::vector<compiler::LocalEndpoint>& localEndpoints,
                                      const PolicyOptions& options) {
    // Objects in model order: the compiler hands out identities in that order.
    Digester d;
    d.text(model.node);
    d.number(options.allowFromHost);
    d.number(model.pods.size());
    for (const auto& pod : model.pods) {
        d.text(pod.namespace_);
        d.text(pod.name);
        d.labels(pod.labels);
        d.number(pod.hostNetwork);
        d.number(pod.podIPs.size());
        for (const auto& ip : pod.podIPs) d.ip(ip);
        d.number(pod.ports.size());
        for (const auto& port : pod.ports) {
            d.text(port.name);
            d.number(port.containerPort);
            d.number(static_cast<std::uint64_t>(port.protocol));
        }
    }
    d.number(model.namespaces.size());
    for (const auto& ns : model.namespaces) {
        d.text(ns.name);
        d.labels(ns.labels);
    }
    d.number(model.networkPolicies.size());
    for (const auto& p : model.networkPolicies) {
        d.text(p.namespace_);
        d.text(p.name);
        d.selector(p.podSelector);
        d.number(p.policyTypes.size());
        for (auto t : p.policyTypes) d.number(static_cast<std::uint64_t>(t));
        d.rules(p.ingress);
        d.rules(p.egress);
    }
    d.number(model.nodes.size());
    for (const auto& node : model.nodes) {
        d.text(node.name);
        d.number(node.addresses.size());
        for (const auto& ip : node.addresses) d.ip(ip);
    }
    d.number(localEndpoints.size());
    for (const auto& ep : localEndpoints) {
        d.text(ep.pod);
        d.number(ep.endpointId);
    }
    return d.digest();
}

}  // namespace nodeplane::policy
