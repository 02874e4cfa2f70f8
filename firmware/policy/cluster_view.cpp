#include "policy/cluster_view.h"

#include <unordered_map>

namespace nodeplane::policy {

namespace {

const state::Labels kNoLabels;

std::set<IpPrefix> ipBlockPrefixes(const state::Model& model) {
    std::set<IpPrefix> out;
    auto collect = [&](const std::vector<state::PolicyRule>& rules) {
        for (const auto& rule : rules)
            for (const auto& peer : rule.peers) {
                if (!peer.ipBlock) continue;
                out.insert(peer.ipBlock->cidr);
                out.insert(peer.ipBlock->except.begin(), peer.ipBlock->except.end());
            }
    };
    for (const auto& p : model.networkPolicies) {
        collect(p.ingress);
        collect(p.egress);
    }
    return out;
}

IpPrefix hostPrefix(const IpAddress& ip) { return IpPrefix{ip, ip.bitLength()}; }

// What makes a pod identity (identity.h), by reference into the model.
struct LabelSet {
    const std::string* namespace_;
    const state::Labels* labels;

    bool operator==(const LabelSet& o) const { return *namespace_ == *o.namespace_ && *labels == *o.labels; }
};

struct LabelSetHash {
    std::size_t operator()(const LabelSet& s) const {
        std::hash<std::string> text;
        std::size_t h = text(*s.namespace_);
        for (const auto& [k, v] : *s.labels) h = (h * 31 + text(k)) * 31 + text(v);
        return h;
    }
};

}  // namespace

ClusterView::ClusterView(const state::Model& model, PolicyIds& ids) {
    std::map<std::string, const state::Labels*> namespaceLabels;
    for (const auto& ns : model.namespaces) namespaceLabels[ns.name] = &ns.labels;

    CidrClasses classes(ipBlockPrefixes(model));
    std::map<IpPrefix, std::size_t> cidrIndex;
    for (const auto& prefix : classes.prefixes()) {
        cidrIndex[prefix] = cidrs_.size();
        cidrs_.push_back(CidrIdentity{ids.cidrs.idFor(prefix), prefix, {}});
    }
    ids.cidrs.retain(classes.prefixes());
    auto classIndexOf = [&](const IpAddress& ip) -> const std::size_t* {
        auto cls = classes.classOf(ip);
        return cls ? &cidrIndex.at(*cls) : nullptr;
    };
    auto cidrIdentityOf = [&](const IpAddress& ip) {
        const std::size_t* index = classIndexOf(ip);
        return index ? cidrs_[*index].id : kIdentityAny;
    };

    // Identities found so far by (namespace, labels), compared in place:
    // 50,000 pods, 10,000 identities, no key string built per pod.
    std::unordered_map<LabelSet, std::size_t, LabelSetHash> podIndex;
    std::set<std::string> live;
    podIdentity_.assign(model.pods.size(), kIdentityAny);
    for (std::size_t podAt = 0; podAt < model.pods.size(); ++podAt) {
        const state::Pod& pod = model.pods[podAt];
        // A host-network pod has the node's address: it is the node to
        // policy, not a pod (NetworkPolicy does not apply to it).
        if (pod.hostNetwork || pod.podIPs.empty()) continue;
        auto [it, added] = podIndex.try_emplace(LabelSet{&pod.namespace_, &pod.labels}, pods_.size());
        if (added) {
            std::string key = podIdentityKey(pod.namespace_, pod.labels);
            auto ns = namespaceLabels.find(pod.namespace_);
            const state::Labels* nsLabels = ns == namespaceLabels.end() ? &kNoLabels : ns->second;
            pods_.push_back(PodIdentity{ids.pods.idFor(key), &pod.namespace_, &pod.labels, nsLabels, {}});
            live.insert(std::move(key));
            auto [group, fresh] = namespaceIndex_.try_emplace(pod.namespace_, namespaces_.size());
            if (fresh) namespaces_.push_back(NamespaceIdentities{&pod.namespace_, nsLabels, {}});
            namespaces_[group->second].pods.push_back(it->second);
        }
        PodIdentity& identity = pods_[it->second];
        podIdentity_[podAt] = identity.id;
        for (const auto& ip : pod.podIPs) {
            const std::size_t* cls = classIndexOf(ip);
            ipcache_[hostPrefix(ip)] = IpcacheEntry{identity.id, cls ? cidrs_[*cls].id : kIdentityAny};
            for (const auto& port : pod.ports) {
                if (port.name.empty()) continue;
                identity.namedPorts[{port.name, port.protocol}].insert(port.containerPort);
                if (cls) cidrs_[*cls].namedPorts[{port.name, port.protocol}].insert(port.containerPort);
            }
        }
    }
    ids.pods.retain(live);

    // Node addresses after pods: an address that is both is the node's.
    for (const auto& node : model.nodes)
        for (const auto& ip : node.addresses)
            ipcache_[hostPrefix(ip)] =
                IpcacheEntry{node.name == model.node ? kIdentityHost : kIdentityRemoteNode, cidrIdentityOf(ip)};

    // Everything else is the world, in the class of its longest ipBlock prefix.
    for (const auto& cidr : cidrs_) ipcache_.try_emplace(cidr.prefix, IpcacheEntry{kIdentityWorld, cidr.id});
    ipcache_.try_emplace(IpPrefix{IpAddress{}, 0}, IpcacheEntry{kIdentityWorld, kIdentityAny});
    ipcache_.try_emplace(IpPrefix{IpAddress{IpFamily::V6, {}}, 0}, IpcacheEntry{kIdentityWorld, kIdentityAny});
}

const NamespaceIdentities* ClusterView::namespaceNamed(const std::string& name) const {
    auto it = namespaceIndex_.find(name);
    return it == namespaceIndex_.end() ? nullptr : &namespaces_[it->second];
}

void ClusterView::exportTo(DesiredPolicy& out) const {
    for (IdentityId id : {kIdentityHost, kIdentityWorld, kIdentityRemoteNode})
        out.identities[id] = Identity{id, IdentityKind::Reserved, "", {}, std::nullopt};
    for (const auto& pod : pods_)
        out.identities[pod.id] = Identity{pod.id, IdentityKind::Pod, *pod.namespace_, *pod.labels, std::nullopt};
    for (const auto& cidr : cidrs_)
        out.identities[cidr.id] = Identity{cidr.id, IdentityKind::Cidr, "", {}, cidr.prefix};
    out.ipcache = ipcache_;
}

}  // namespace nodeplane::policy
