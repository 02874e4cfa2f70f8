#include "observe/policy_attribution.h"

#include <algorithm>
#include <numeric>
#include <set>

#include "policy/cluster_view.h"
#include "policy/label_selector.h"
#include "policy/policy_ids.h"
#include "policy/rule_compiler.h"

namespace nodeplane::observe {

namespace {

policy::Direction toPolicyDirection(PolicyDirection direction) {
    return direction == PolicyDirection::Egress ? policy::Direction::Egress : policy::Direction::Ingress;
}

std::size_t slotOf(policy::Direction direction) { return direction == policy::Direction::Egress ? 1 : 0; }

bool hasType(const state::NetworkPolicy& p, state::PolicyType type) {
    return std::ranges::find(p.policyTypes, type) != p.policyTypes.end();
}

// `port` with all but its first `bits` bits cleared: the form port prefixes
// are stored in (port_ranges.h).
std::uint16_t maskPort(std::uint16_t port, std::uint8_t bits) {
    if (bits == 0) return 0;
    return static_cast<std::uint16_t>(port & (0xffffu << (16 - bits)));
}

}  // namespace

PolicyAttribution::PolicyAttribution(const state::Model& model) {
    // Identity numbers are private to this object: only which identity an
    // address has matters here, not the number the datapath knows it by.
    policy::PolicyIds ids;
    policy::ClusterView view(model, ids);
    policy::DesiredPolicy exported;
    view.exportTo(exported);
    for (const auto& [prefix, entry] : exported.ipcache)
        if (prefix.length == prefix.address.bitLength()) hosts_.emplace(prefix.address, entry);
    std::set<IpPrefix> classes;
    for (const auto& cidr : view.cidrIdentities()) {
        classes.insert(cidr.prefix);
        cidrIds_.emplace(cidr.prefix, cidr.id);
    }
    cidrClasses_.emplace(classes);

    // Policies in the order the answers list them, so that a set of indices
    // in ascending order is already sorted.
    std::vector<std::size_t> order(model.networkPolicies.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::ranges::sort(order, [&](std::size_t a, std::size_t b) {
        const auto& pa = model.networkPolicies[a];
        const auto& pb = model.networkPolicies[b];
        return std::tie(pa.namespace_, pa.name) < std::tie(pb.namespace_, pb.name);
    });

    // This node's pods by namespace: a policy selects pods of its own
    // namespace only.
    std::vector<const state::Pod*> localPods;
    std::map<std::string, std::vector<std::size_t>, std::less<>> localsByNamespace;
    for (const auto& pod : model.pods) {
        if (pod.nodeName != model.node || pod.hostNetwork || pod.podIPs.empty()) continue;
        std::size_t index = localPods.size();
        localPods.push_back(&pod);
        localsByNamespace[pod.namespace_].push_back(index);
        for (const auto& ip : pod.podIPs) localByAddress_.emplace(ip, index);
    }
    locals_.resize(localPods.size());

    for (std::size_t at = 0; at < order.size(); ++at) {
        const state::NetworkPolicy& np = model.networkPolicies[order[at]];
        const auto policyIndex = static_cast<std::uint32_t>(at);
        policies_.push_back(PolicyRef{np.name, np.namespace_, "NetworkPolicy"});
        auto annotation = np.annotations.find(kAllowLoggingAnnotation);
        logging_.push_back(annotation != np.annotations.end() && annotation->second == "true");

        auto here = localsByNamespace.find(np.namespace_);
        if (here == localsByNamespace.end()) continue;
        std::vector<std::size_t> selected;
        for (std::size_t local : here->second)
            if (policy::selects(np.podSelector, localPods[local]->labels)) selected.push_back(local);
        if (selected.empty()) continue;

        auto addDirection = [&](const std::vector<state::PolicyRule>& rules, policy::Direction direction) {
            std::vector<policy::RuleRemotes> remotes;
            remotes.reserve(rules.size());
            for (const auto& rule : rules) remotes.push_back(policy::resolvePeers(np, rule, view));
            for (std::size_t local : selected) {
                std::map<policy::PolicyEntryKey, std::uint32_t> allows;
                for (std::size_t r = 0; r < rules.size(); ++r)
                    policy::addRuleEntries(rules[r], remotes[r], direction, *localPods[local], view, policyIndex,
                                           allows);
                auto& target = locals_[local][slotOf(direction)].allows;
                for (const auto& entry : allows) target[entry.first].push_back(policyIndex);
            }
        };
        if (hasType(np, state::PolicyType::Ingress)) addDirection(np.ingress, policy::Direction::Ingress);
        if (hasType(np, state::PolicyType::Egress)) addDirection(np.egress, policy::Direction::Egress);
    }

    for (auto& local : locals_)
        for (auto& rules : local) {
            std::set<std::uint8_t> bits;
            for (const auto& entry : rules.allows) bits.insert(entry.first.port.bits);
            rules.portBits.assign(bits.begin(), bits.end());
        }
}

PolicyAttribution::RemoteIdentities PolicyAttribution::identitiesOf(const IpAddress& remote) const {
    if (auto it = hosts_.find(remote); it != hosts_.end()) return {it->second.identity, it->second.cidrIdentity};
    // Not a pod or node: the world, in the class of its longest ipBlock prefix.
    RemoteIdentities out{policy::kIdentityWorld, policy::kIdentityAny};
    if (auto cls = cidrClasses_->classOf(remote)) out.cidrIdentity = cidrIds_.at(*cls);
    return out;
}

std::vector<PolicyRef> PolicyAttribution::allowingPolicies(const IpAddress& local, PolicyDirection direction,
                                                           const IpAddress& remote, std::uint8_t protocol,
                                                           std::uint16_t port) const {
    auto localAt = localByAddress_.find(local);
    if (localAt == localByAddress_.end()) return {};
    const policy::Direction dir = toPolicyDirection(direction);
    const DirectionRules& rules = locals_[localAt->second][slotOf(dir)];
    if (rules.allows.empty()) return {};

    // The entries the datapath would match: the remote's identity, its
    // ipBlock class and "any remote"; the protocol or "any protocol" (a rule
    // without ports); each port prefix length in use.
    const RemoteIdentities ids = identitiesOf(remote);
    std::vector<policy::IdentityId> remotes{ids.identity, policy::kIdentityAny};
    if (ids.cidrIdentity != policy::kIdentityAny) remotes.push_back(ids.cidrIdentity);

    std::vector<std::uint32_t> found;
    auto probe = [&](const policy::PolicyEntryKey& key) {
        auto it = rules.allows.find(key);
        if (it != rules.allows.end()) found.insert(found.end(), it->second.begin(), it->second.end());
    };
    for (policy::IdentityId id : remotes) {
        probe(policy::PolicyEntryKey{id, dir, policy::kAnyProtocol, policy::kAnyPort});
        if (protocol == policy::kAnyProtocol) continue;
        for (std::uint8_t bits : rules.portBits)
            probe(policy::PolicyEntryKey{id, dir, protocol, policy::PortPrefix{maskPort(port, bits), bits}});
    }
    std::ranges::sort(found);
    found.erase(std::unique(found.begin(), found.end()), found.end());

    std::vector<PolicyRef> out;
    out.reserve(found.size());
    for (std::uint32_t index : found) out.push_back(policies_[index]);
    return out;
}

bool PolicyAttribution::loggingEnabled(const PolicyRef& policy) const {
    auto it = std::ranges::lower_bound(policies_, policy, [](const PolicyRef& a, const PolicyRef& b) {
        return std::tie(a.namespace_, a.name) < std::tie(b.namespace_, b.name);
    });
    return it != policies_.end() && it->namespace_ == policy.namespace_ && it->name == policy.name &&
           logging_[static_cast<std::size_t>(it - policies_.begin())];
}

}  // namespace nodeplane::observe
