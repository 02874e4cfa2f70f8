#include "daemon/service_plan.h"

#include <algorithm>

#include "daemon/service_plan_steps.h"

namespace nodeplane::daemon {

using namespace plan_steps;

namespace {

// Calls visit(rule) for every rule of every frontend.
template <typename Visit>
void forEachRule(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses, Visit visit) {
    for (const auto& f : desired.frontends)
        for (const auto& rule : rulesOf(f, desired.ports.at(f.portIndex), nodeAddresses)) visit(rule);
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
    forEachRule(desired, nodeAddresses, [&](const Rule& r) { adopt(r.setKey, r.keys); });
    if (!desired.clusterIPs.empty()) adopt(kUnservedSetKey, unservedFrontends(desired.clusterIPs));
    ids.adoptedSets.clear();
}

}  // namespace

bool ServiceMapsDelta::empty() const {
    return write == ServiceMaps{} && frontendsGone.empty() && backendSetsGone.empty() && backendsGone.empty() &&
           revNatGone.empty() && sourceRangesGone.empty();
}

ServiceMaps planServiceMaps(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                            ServiceIds& ids, bool sharedFrontends) {
    if (!ids.adoptedSets.empty()) adoptSetIds(desired, nodeAddresses, ids);
    const std::uint64_t plan = ++ids.plans;
    ServiceMaps maps;
    std::set<BackendSetKey> liveSets;
    std::set<FrontendIdKey> liveFrontends;
    ids.byService.clear();
    ids.contested = sharedFrontends;
    // Collected in any order, made a map once sorted: one pass, not 100,000 lookups.
    std::vector<std::pair<datapath::BackendId, datapath::Backend>> backends;

    // The backend set a rule uses, once per (service port, Cluster|Local).
    auto backendSetFor = [&](const Rule& r, PlannedService& mine) {
        std::uint32_t serviceId = ids.services.idFor(r.setKey);
        PlannedSet& set = ids.sets[r.setKey];
        // Two rules may share a set (Cluster from pods and from outside);
        // they compute the same list, so the first one plans it.
        if (set.plan == plan) return serviceId;
        set.plan = plan;
        liveSets.insert(r.setKey);
        mine.sets.push_back(r.setKey);
        const auto& list = backendList(r);
        if (!sameBackends(set.backends, list)) replanSet(set, list, ids);
        for (std::size_t i = 0; i < set.ids.size(); ++i) backends.emplace_back(set.ids[i], set.backends[i]);
        maps.backendSets[serviceId] = set.ids;
        return serviceId;
    };

    PlannedService* mine = nullptr;
    const std::string* mineOf = nullptr;
    forEachRule(desired, nodeAddresses, [&](const Rule& r) {
        // Frontends come sorted by address, not by service: look the owner up
        // only when it changes.
        if (!mineOf || *mineOf != r.port->service) {
            mine = &ids.byService[r.port->service];
            mineOf = &r.port->service;
        }
        std::uint32_t serviceId = backendSetFor(r, *mine);
        for (const auto& key : r.keys) {
            FrontendIdKey feKey{key.address, r.frontend->port, r.frontend->protocol};
            liveFrontends.insert(feKey);
            std::uint32_t revNatId = ids.revNat.idFor(feKey);
            noteOnce(mine->revNat, feKey);
            maps.revNat[revNatId] = {key.address, r.frontend->port};
            auto [it, fresh] = maps.frontends.insert_or_assign(key, frontendValue(r, serviceId, revNatId));
            (void)it;
            if (!fresh) ids.contested = true;  // the last rule written wins; a whole plan must decide again
            mine->frontends.push_back(key);
            if (r.frontend->restrictSources)
                for (const auto& prefix : r.frontend->sourceRanges) {
                    maps.sourceRanges.insert({revNatId, prefix});
                    noteOnce(mine->sourceRanges, datapath::SourceRange{revNatId, prefix});
                }
        }
    });
    // Serving terminating endpoints no set lists keep their entries, so
    // their established flows keep translating.
    for (const auto& port : desired.ports) {
        if (port.endpoints.terminating.empty()) continue;
        if (!planHeld(port, plan, ids, ids.byService[port.service])) continue;
        const PlannedSet& set = ids.held.at(heldKey(port));
        for (std::size_t i = 0; i < set.ids.size(); ++i) backends.emplace_back(set.ids[i], set.backends[i]);
    }
    // Every other port of an allocated ClusterIP is refused (kube-proxy's
    // "has no endpoints" REJECT for unknown ports), not routed towards the
    // service range's next hop: one port-0 frontend per address and
    // protocol, with one shared empty set.
    ids.clusterIPs = desired.clusterIPs;
    if (!desired.clusterIPs.empty()) {
        liveSets.insert(kUnservedSetKey);
        const std::uint32_t unservedSet = ids.services.idFor(kUnservedSetKey);
        maps.backendSets[unservedSet] = {};
        for (const auto& key : unservedFrontends(desired.clusterIPs)) {
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
    for (auto it = ids.held.begin(); it != ids.held.end();) {
        if (it->second.plan == plan) {
            ++it;
            continue;
        }
        replanSet(it->second, {}, ids);
        it = ids.held.erase(it);
    }
    releaseUnlisted(ids);
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
