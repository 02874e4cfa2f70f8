#include "daemon/service_plan.h"

#include <algorithm>

namespace nodeplane::daemon {

namespace {

datapath::L4Protocol l4(state::Protocol p) {
    switch (p) {
        case state::Protocol::TCP: return datapath::L4Protocol::Tcp;
        case state::Protocol::UDP: return datapath::L4Protocol::Udp;
        case state::Protocol::SCTP: return datapath::L4Protocol::Sctp;
    }
    return datapath::L4Protocol::Tcp;
}

datapath::Backend toBackend(const compiler::ServiceBackend& b) {
    return {b.ip, b.port, l4(b.protocol), b.local, b.terminating};
}

// The addresses a frontend answers on: its own, or for a NodePort every
// address of this node in its family.
std::vector<IpAddress> frontendAddresses(const compiler::Frontend& f, const std::vector<IpAddress>& nodeAddresses) {
    if (f.kind != compiler::FrontendKind::NodePort) return {f.address};
    std::vector<IpAddress> out;
    for (const auto& a : nodeAddresses)
        if (a.family == f.address.family) out.push_back(a);
    return out;
}

// Calls visit(port, frontend-key list, set key, rule) for every rule of every
// frontend: the one walk both passes of the plan share.
template <typename Visit>
void forEachRule(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses, Visit visit) {
    for (const auto& f : desired.frontends) {
        const auto& port = desired.ports.at(f.portIndex);
        // Internal scope: traffic from pods (from_pod). External scope: from
        // outside the node (from_netdev); a ClusterIP has none.
        std::vector<std::pair<datapath::ServiceScope, const compiler::TrafficRule*>> scopes{
            {datapath::ServiceScope::Internal, &f.fromPod}};
        if (f.kind != compiler::FrontendKind::ClusterIP)
            scopes.emplace_back(datapath::ServiceScope::External, &f.fromExternal);
        const auto addresses = frontendAddresses(f, nodeAddresses);
        for (const auto& [scope, rule] : scopes) {
            std::vector<datapath::FrontendKey> keys;
            keys.reserve(addresses.size());
            for (const auto& address : addresses) keys.push_back({address, f.port, l4(f.protocol), scope});
            BackendSetKey setKey{port.service, port.portName, port.family, port.protocol, rule->backends};
            visit(f, port, *rule, setKey, keys);
        }
    }
}

// The set every other port of the ClusterIPs shares, and its frontends.
const BackendSetKey kUnservedSetKey{"", "", IpFamily::V4, state::Protocol::TCP, compiler::BackendSet::Cluster};

std::vector<datapath::FrontendKey> unservedFrontends(const compiler::DesiredServices& desired) {
    std::vector<datapath::FrontendKey> keys;
    keys.reserve(2 * desired.clusterIPs.size());
    for (const auto& address : desired.clusterIPs)
        for (auto protocol : {datapath::L4Protocol::Tcp, datapath::L4Protocol::Udp})
            keys.push_back({address, 0, protocol, datapath::ServiceScope::Internal});
    return keys;
}

// First plan after a restart: each backend set takes the id its frontends
// already point at, so nothing is re-pointed. An id two sets shared before
// (a traffic policy split them since) goes to the first of them only.
void adoptSetIds(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                 ServiceIds& ids) {
    std::set<std::uint32_t> taken;
    auto adopt = [&](const BackendSetKey& setKey, const std::vector<datapath::FrontendKey>& keys) {
        if (ids.services.knows(setKey)) return;
        for (const auto& key : keys) {
            auto it = ids.adoptedSets.find(key);
            if (it == ids.adoptedSets.end() || !taken.insert(it->second).second) continue;
            ids.services.seed(setKey, it->second);
            return;
        }
    };
    forEachRule(desired, nodeAddresses,
                [&](const compiler::Frontend&, const compiler::ServicePortBackends&, const compiler::TrafficRule&,
                    const BackendSetKey& setKey, const std::vector<datapath::FrontendKey>& keys) { adopt(setKey, keys); });
    if (!desired.clusterIPs.empty()) adopt(kUnservedSetKey, unservedFrontends(desired));
    ids.adoptedSets.clear();
}

bool sameBackends(const std::vector<datapath::Backend>& planned, const std::vector<compiler::ServiceBackend>& list) {
    if (planned.size() != list.size()) return false;
    for (std::size_t i = 0; i < list.size(); ++i)
        if (planned[i] != toBackend(list[i])) return false;
    return true;
}

// Gives `set` the backends of `list`: ids for the new ones (a backend two
// sets list has one id), the old ones released when no set lists them.
void replanSet(PlannedSet& set, const std::vector<compiler::ServiceBackend>& list, ServiceIds& ids) {
    std::vector<datapath::Backend> backends;
    std::vector<datapath::BackendId> backendIds;
    backends.reserve(list.size());
    backendIds.reserve(list.size());
    for (const auto& b : list) {
        backends.push_back(toBackend(b));
        ++ids.backendUsers[backends.back()];
        backendIds.push_back(ids.backends.idFor(backends.back()));
    }
    for (const auto& old : set.backends) {
        auto it = ids.backendUsers.find(old);
        if (it == ids.backendUsers.end() || --it->second > 0) continue;
        ids.backendUsers.erase(it);
        ids.backends.release(old);
    }
    set.backends = std::move(backends);
    set.ids = std::move(backendIds);
}

}  // namespace

ServiceMaps planServiceMaps(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                            ServiceIds& ids) {
    if (!ids.adoptedSets.empty()) adoptSetIds(desired, nodeAddresses, ids);
    const std::uint64_t plan = ++ids.plans;
    ServiceMaps maps;
    std::set<BackendSetKey> liveSets;
    std::set<FrontendIdKey> liveFrontends;
    // Collected in any order, made a map once sorted: one pass, not 100,000 lookups.
    std::vector<std::pair<datapath::BackendId, datapath::Backend>> backends;

    // The backend set a rule uses, once per (service port, Cluster|Local).
    auto backendSetFor = [&](const compiler::ServicePortBackends& port, const compiler::TrafficRule& rule,
                             const BackendSetKey& setKey) {
        std::uint32_t serviceId = ids.services.idFor(setKey);
        PlannedSet& set = ids.sets[setKey];
        // Two rules may share a set (Cluster from pods and from outside);
        // they compute the same list, so the first one plans it.
        if (set.plan == plan) return serviceId;
        set.plan = plan;
        liveSets.insert(setKey);
        static const std::vector<compiler::ServiceBackend> kNone;
        const auto& list = rule.verdict != compiler::FlowVerdict::Forward      ? kNone
                           : rule.backends == compiler::BackendSet::Cluster ? port.endpoints.cluster
                                                                            : port.endpoints.local;
        if (!sameBackends(set.backends, list)) replanSet(set, list, ids);
        for (std::size_t i = 0; i < set.ids.size(); ++i) backends.emplace_back(set.ids[i], set.backends[i]);
        maps.backendSets[serviceId] = set.ids;
        return serviceId;
    };

    forEachRule(desired, nodeAddresses,
                [&](const compiler::Frontend& f, const compiler::ServicePortBackends& port,
                    const compiler::TrafficRule& rule, const BackendSetKey& setKey,
                    const std::vector<datapath::FrontendKey>& keys) {
                    std::uint32_t serviceId = backendSetFor(port, rule, setKey);
                    for (const auto& key : keys) {
                        FrontendIdKey feKey{key.address, f.port, f.protocol};
                        liveFrontends.insert(feKey);
                        std::uint32_t revNatId = ids.revNat.idFor(feKey);
                        maps.revNat[revNatId] = {key.address, f.port};

                        datapath::FrontendValue value;
                        value.serviceId = serviceId;
                        value.revNatId = revNatId;
                        value.flags.affinity = port.sessionAffinity;
                        value.flags.externalLocal = port.policies.externalLocal;
                        value.flags.internalLocal = port.policies.internalLocal;
                        value.flags.sourceRanges = f.restrictSources;
                        value.flags.rejectWithoutBackend = rule.verdict == compiler::FlowVerdict::Reject;
                        value.flags.masquerade = rule.masquerade;
                        value.affinityTimeoutSeconds = port.sessionAffinity ? port.affinityTimeoutSeconds : 0;
                        maps.frontends[key] = value;
                        if (f.restrictSources)
                            for (const auto& prefix : f.sourceRanges) maps.sourceRanges.insert({revNatId, prefix});
                    }
                });
    // Every other port of an allocated ClusterIP is refused (kube-proxy's
    // "has no endpoints" REJECT for unknown ports), not routed towards the
    // service range's next hop: one port-0 frontend per address and
    // protocol, with one shared empty set.
    if (!desired.clusterIPs.empty()) {
        liveSets.insert(kUnservedSetKey);
        const auto keys = unservedFrontends(desired);
        const std::uint32_t unservedSet = ids.services.idFor(kUnservedSetKey);
        maps.backendSets[unservedSet] = {};
        for (const auto& key : keys) {
            datapath::FrontendValue value;
            value.serviceId = unservedSet;
            value.flags.rejectWithoutBackend = true;
            maps.frontends.emplace(key, value);  // a real port 0 frontend cannot exist
        }
    }
    // Sets no longer planned let go of their backends.
    for (auto it = ids.sets.begin(); it != ids.sets.end();) {
        if (it->second.plan == plan) {
            ++it;
            continue;
        }
        replanSet(it->second, {}, ids);
        it = ids.sets.erase(it);
    }
    ids.services.retain(liveSets);
    ids.revNat.retain(liveFrontends);
    // Ids adopted from a previous daemon that no set lists are free again.
    if (plan == 1) {
        std::set<datapath::Backend> listed;
        for (const auto& [backend, users] : ids.backendUsers) listed.insert(listed.end(), backend);
        ids.backends.retain(listed);
    }
    std::sort(backends.begin(), backends.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    maps.backends = std::map<datapath::BackendId, datapath::Backend>(backends.begin(), backends.end());
    return maps;
}

}  // namespace nodeplane::daemon
