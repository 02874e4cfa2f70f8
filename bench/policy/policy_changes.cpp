#include "policy_changes.h"

#include "policy/label_selector.h"
#include "policy_snapshot.h"

namespace nodeplane::bench {

namespace {

// Only what one namespace file holds, so a change copies 100 pods, not 50,000.
state::Model namespaceSlice(const state::Model& model, const std::string& ns) {
    state::Model out;
    out.node = model.node;
    for (const auto& n : model.namespaces)
        if (n.name == ns) out.namespaces.push_back(n);
    for (const auto& p : model.pods)
        if (p.namespace_ == ns) out.pods.push_back(p);
    for (const auto& p : model.networkPolicies)
        if (p.namespace_ == ns) out.networkPolicies.push_back(p);
    return out;
}

bool selectsLocal(const state::NetworkPolicy& p, const state::Pod& local) {
    return p.namespace_ == local.namespace_ && policy::selects(p.podSelector, local.labels) && !p.ingress.empty();
}

// The rule of `p` whose first peer is a bare podSelector (same namespace) or
// carries a namespaceSelector.
const state::PolicyRule* ruleWith(const state::NetworkPolicy& p, bool namespaceSelector) {
    for (const auto& rule : p.ingress)
        if (!rule.peers.empty() && !rule.ports.empty() && rule.peers[0].podSelector &&
            rule.peers[0].namespaceSelector.has_value() == namespaceSelector)
            return &rule;
    return nullptr;
}

std::optional<std::uint16_t> portOn(const state::PolicyPort& port, const state::Pod& local) {
    if (!port.port) return std::nullopt;
    if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) return *number;
    for (const auto& p : local.ports)
        if (p.name == std::get<std::string>(*port.port) && p.protocol == port.protocol) return p.containerPort;
    return std::nullopt;
}

const state::Pod* firstPod(const state::Model& model, const std::string& ns, const state::LabelSelector& selector,
                           const state::Pod* except) {
    for (const auto& p : model.pods)
        if (&p != except && p.namespace_ == ns && !p.hostNetwork && !p.podIPs.empty() &&
            policy::selects(selector, p.labels))
            return &p;
    return nullptr;
}

}  // namespace

const char* changeKindName(PolicyChangeKind kind) {
    switch (kind) {
        case PolicyChangeKind::Policy: return "policy";
        case PolicyChangeKind::PodLabel: return "pod-label";
        case PolicyChangeKind::NamespaceLabel: return "namespace-label";
    }
    return "?";
}

std::optional<PolicyChangeKind> parseChangeKind(const std::string& name) {
    for (auto kind : {PolicyChangeKind::Policy, PolicyChangeKind::PodLabel, PolicyChangeKind::NamespaceLabel})
        if (name == changeKindName(kind)) return kind;
    return std::nullopt;
}

Result<ChangeTexts> makeChange(const state::Model& model, PolicyChangeKind kind, std::size_t index) {
    std::vector<const state::Pod*> locals;
    for (const auto& p : model.pods)
        if (p.interface && !p.podIPs.empty()) locals.push_back(&p);
    if (locals.empty()) return Error::logical("the model has no local pods");
    // A stride coprime to the usual counts, so consecutive changes aim at different pods.
    const state::Pod& local = *locals[(index * 37) % locals.size()];
    const std::string localKey = local.namespace_ + "/" + local.name;

    const state::NetworkPolicy* selecting = nullptr;
    for (const auto& p : model.networkPolicies)
        if (selectsLocal(p, local) && ruleWith(p, false) && ruleWith(p, true)) {
            selecting = &p;
            break;
        }
    if (!selecting) return Error::logical("no policy with a pod and a namespace rule selects " + localKey);

    ChangeTexts out;
    out.target.localPod = localKey;
    std::string ns = local.namespace_;
    state::Model slice;
    if (kind == PolicyChangeKind::NamespaceLabel) {
        const state::PolicyRule& rule = *ruleWith(*selecting, true);
        const state::LabelSelector& namespaces = *rule.peers[0].namespaceSelector;
        const state::Pod* front = nullptr;
        for (const auto& n : model.namespaces)
            if (n.name != local.namespace_ && policy::selects(namespaces, n.labels) &&
                (front = firstPod(model, n.name, *rule.peers[0].podSelector, nullptr))) {
                ns = n.name;
                break;
            }
        auto port = portOn(rule.ports[0], local);
        if (!front || !port) return Error::logical("no other namespace's pod is admitted to " + localKey);
        out.target.remoteIp = front->podIPs[0];
        out.target.port = *port;
        slice = namespaceSlice(model, ns);
        for (const auto& [key, value] : namespaces.matchLabels) slice.namespaces.at(0).labels[key] = value + "-none";
    } else {
        const state::PolicyRule& rule = *ruleWith(*selecting, false);
        const state::Pod* peer = firstPod(model, ns, *rule.peers[0].podSelector, &local);
        auto port = portOn(rule.ports[0], local);
        if (!peer || !port) return Error::logical("no pod of its namespace is admitted to " + localKey);
        out.target.remoteIp = peer->podIPs[0];
        out.target.port = *port;
        slice = namespaceSlice(model, ns);
        if (kind == PolicyChangeKind::PodLabel) {
            for (auto& p : slice.pods)
                if (p.name == peer->name) p.labels["rollout"] = "canary";
        } else {
            for (auto& p : slice.networkPolicies)
                if (selectsLocal(p, local))
                    for (auto& r : p.ingress)
                        if (r == rule) r.peers[0].podSelector = state::LabelSelector{{{"app", "app-none"}}, {}};
        }
    }
    out.target.file = namespaceFileName(ns);
    out.changed = renderNamespaceFile(slice, ns);
    out.original = renderNamespaceFile(model, ns);
    return out;
}

}  // namespace nodeplane::bench
