#include "big_policy_model.h"

#include <string>

namespace nodeplane::bench {
namespace {

constexpr std::size_t kPodsPerNamespace = 100;
constexpr std::size_t kPodsPerNode = 100;
constexpr std::size_t kApps = 10;

IpAddress podIp(std::size_t index) { return IpAddress::v4((10u << 24) | (64u << 16) | static_cast<std::uint32_t>(index + 1)); }

std::string ns(std::size_t i) { return "ns-" + std::to_string(i); }
std::string app(std::size_t i) { return "app-" + std::to_string(i % kApps); }

state::PolicyPeer podsLabelled(const char* key, std::string value) {
    state::PolicyPeer peer;
    peer.podSelector = state::LabelSelector{{{key, std::move(value)}}, {}};
    return peer;
}

state::NetworkPolicy policyNumber(std::size_t p, std::size_t namespaces) {
    state::NetworkPolicy policy;
    std::size_t nsIndex = p % namespaces;
    policy.namespace_ = ns(nsIndex);
    policy.name = "policy-" + std::to_string(p);
    policy.podSelector.matchLabels = {{"app", app(p / namespaces)}};
    policy.policyTypes = {state::PolicyType::Ingress};

    // From the next app in the namespace, on the pods' named port.
    policy.ingress.push_back(state::PolicyRule{{podsLabelled("app", app(p / namespaces + 1))},
                                               {state::PolicyPort{state::Protocol::TCP, state::PortRef{std::string("http")},
                                                                  std::nullopt}}});
    // From the front tier of one team's namespaces, on a port range.
    state::PolicyPeer team = podsLabelled("tier", "front");
    team.namespaceSelector = state::LabelSelector{{{"team", "team-" + std::to_string(p % 20)}}, {}};
    policy.ingress.push_back(state::PolicyRule{
        {team}, {state::PolicyPort{state::Protocol::TCP, state::PortRef{std::uint16_t{9000}}, std::uint16_t{9100}}}});
    // Every tenth: an outside network, less a management range.
    if (p % 10 == 0) {
        state::PolicyPeer outside;
        auto base = IpAddress::v4((172u << 24) | (16u << 16) | (static_cast<std::uint32_t>(p % 256) << 8));
        outside.ipBlock = state::IpBlock{IpPrefix{base, 24}, {IpPrefix{base, 28}}};
        policy.ingress.push_back(state::PolicyRule{{outside}, {}});
    }
    // Every fourth also limits egress: DNS in prod namespaces.
    if (p % 4 == 0) {
        policy.policyTypes.push_back(state::PolicyType::Egress);
        state::PolicyPeer prod;
        prod.namespaceSelector = state::LabelSelector{{{"env", "prod"}}, {}};
        policy.egress.push_back(state::PolicyRule{
            {prod}, {state::PolicyPort{state::Protocol::UDP, state::PortRef{std::uint16_t{53}}, std::nullopt}}});
    }
    return policy;
}

}  // namespace

state::Model bigPolicyModel(const PolicyModelSize& size) {
    state::Model m;
    m.node = "node-0";
    const std::size_t namespaces = (size.pods + kPodsPerNamespace - 1) / kPodsPerNamespace;
    const std::size_t nodes = (size.pods + kPodsPerNode - 1) / kPodsPerNode;
    for (std::size_t n = 0; n < nodes; ++n)
        m.nodes.push_back(state::Node{.name = "node-" + std::to_string(n),
                                      .addresses = {IpAddress::v4((192u << 24) | (168u << 16) |
                                                                  static_cast<std::uint32_t>(n + 1))}});
    for (std::size_t i = 0; i < namespaces; ++i)
        m.namespaces.push_back(state::Namespace{.name = ns(i),
                                                .labels = {{"kubernetes.io/metadata.name", ns(i)},
                                                           {"team", "team-" + std::to_string(i % 20)},
                                                           {"env", i % 2 ? "prod" : "dev"}}});
    for (std::size_t k = 0; k < size.pods; ++k) {
        state::Pod pod;
        pod.namespace_ = ns(k / kPodsPerNamespace);
        pod.name = "pod-" + std::to_string(k % kPodsPerNamespace);
        pod.labels = {{"app", app(k % kPodsPerNamespace)}, {"tier", (k / kApps) % 2 ? "front" : "back"}};
        pod.nodeName = "node-" + std::to_string(k % nodes);
        pod.podIPs = {podIp(k)};
        pod.ports = {{"http", 8080, state::Protocol::TCP}, {"metrics", 9090, state::Protocol::TCP}};
        if (pod.nodeName == m.node) pod.interface = "np-" + std::to_string(k);
        m.pods.push_back(std::move(pod));
    }
    for (std::size_t p = 0; p < size.policies; ++p) m.networkPolicies.push_back(policyNumber(p, namespaces));
    return m;
}

std::vector<compiler::LocalEndpoint> bigPolicyLocalEndpoints(const state::Model& model) {
    std::vector<compiler::LocalEndpoint> out;
    std::uint32_t id = 1;
    for (const auto& pod : model.pods)
        if (pod.interface) out.push_back({pod.podIPs[0], *pod.interface, pod.namespace_ + "/" + pod.name, id++});
    return out;
}

}  // namespace nodeplane::bench
