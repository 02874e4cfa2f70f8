// planServiceChanges(): the plan of a few changed services at 10,000, as the
// difference it makes to the maps. Each changed service's entries are taken
// back (what ServiceIds::byService says it owned) and planned anew from the
// compiled result, with the same steps and ids the whole plan uses; only
// what differs from the maps goes into the delta.
#include <algorithm>

#include "daemon/service_plan.h"
#include "daemon/service_plan_steps.h"

namespace nodeplane::daemon {

using namespace plan_steps;

namespace {

template <typename Map, typename Key, typename Value>
bool holds(const Map& map, const Key& key, const Value& value) {
    auto it = map.find(key);
    return it != map.end() && it->second == value;
}

// The rules of the changed services' frontends, by service; nullopt when one
// of their keys is another service's today (only a whole plan can say who
// wins) or two of them fill the same key.
std::optional<std::map<std::string, std::vector<Rule>>> changedRules(const compiler::DesiredServices& desired,
                                                                     const std::vector<IpAddress>& nodeAddresses,
                                                                     const std::set<std::string>& changed,
                                                                     const ServiceMaps& current,
                                                                     const ServiceIds& ids) {
    std::vector<bool> changedPort(desired.ports.size(), false);
    for (std::size_t i = 0; i < desired.ports.size(); ++i) changedPort[i] = changed.contains(desired.ports[i].service);
    std::set<datapath::FrontendKey> owned;  // by the changed services today
    for (const auto& name : changed)
        if (auto it = ids.byService.find(name); it != ids.byService.end())
            owned.insert(it->second.frontends.begin(), it->second.frontends.end());

    std::map<std::string, std::vector<Rule>> rules;
    for (const auto& name : changed) rules[name];
    std::set<datapath::FrontendKey> planned;
    for (const auto& f : desired.frontends) {
        if (!changedPort[f.portIndex]) continue;
        const auto& port = desired.ports[f.portIndex];
        for (auto& r : rulesOf(f, port, nodeAddresses)) {
            for (const auto& key : r.keys)
                if (!planned.insert(key).second || (current.frontends.contains(key) && !owned.contains(key)))
                    return std::nullopt;
            rules[port.service].push_back(std::move(r));
        }
    }
    return rules;
}

template <typename T>
std::set<T> asSet(const std::vector<T>& v) {
    return {v.begin(), v.end()};
}

using PortList = std::vector<const compiler::ServicePortBackends*>;

// Plans one service's rules and held backends into the delta; returns what
// it now owns.
PlannedService planService(const std::vector<Rule>& rules, const PortList& ports, std::uint64_t plan,
                           const ServiceMaps& current, ServiceIds& ids, ServiceMapsDelta& delta,
                           BackendChanges& backends) {
    PlannedService now;
    for (const auto* port : ports) (void)planHeld(*port, plan, ids, now, &backends);
    for (const auto& r : rules) {
        const std::uint32_t serviceId = ids.services.idFor(r.setKey);
        PlannedSet& set = ids.sets[r.setKey];
        if (set.plan != plan) {
            set.plan = plan;
            now.sets.push_back(r.setKey);
            const auto& list = backendList(r);
            if (!sameBackends(set.backends, list)) replanSet(set, list, ids, &backends);
            if (!holds(current.backendSets, serviceId, set.ids)) delta.write.backendSets[serviceId] = set.ids;
        }
        for (const auto& key : r.keys) {
            FrontendIdKey feKey{key.address, r.frontend->port, r.frontend->protocol};
            const std::uint32_t revNatId = ids.revNat.idFor(feKey);
            noteOnce(now.revNat, feKey);
            const datapath::RevNatTarget target{key.address, r.frontend->port};
            if (!holds(current.revNat, revNatId, target)) delta.write.revNat[revNatId] = target;
            const auto value = frontendValue(r, serviceId, revNatId);
            if (!holds(current.frontends, key, value)) delta.write.frontends[key] = value;
            now.frontends.push_back(key);
            if (r.frontend->restrictSources)
                for (const auto& prefix : r.frontend->sourceRanges) {
                    const datapath::SourceRange range{revNatId, prefix};
                    noteOnce(now.sourceRanges, range);
                    if (!current.sourceRanges.contains(range)) delta.write.sourceRanges.insert(range);
                }
        }
    }
    return now;
}

// Takes back what `before` owned and `now` does not.
void releaseService(const PlannedService& before, const PlannedService& now, const ServiceMaps& current,
                    ServiceIds& ids, ServiceMapsDelta& delta, BackendChanges& backends) {
    const auto frontends = asSet(now.frontends);
    for (const auto& key : before.frontends)
        if (!frontends.contains(key) && current.frontends.contains(key)) delta.frontendsGone.insert(key);
    const auto ranges = asSet(now.sourceRanges);
    for (const auto& range : before.sourceRanges)
        if (!ranges.contains(range) && current.sourceRanges.contains(range)) delta.sourceRangesGone.insert(range);
    const auto sets = asSet(now.sets);
    for (const auto& setKey : before.sets) {
        if (sets.contains(setKey)) continue;
        const std::uint32_t serviceId = ids.services.idFor(setKey);
        if (auto it = ids.sets.find(setKey); it != ids.sets.end()) {
            replanSet(it->second, {}, ids, &backends);
            ids.sets.erase(it);
        }
        ids.services.release(setKey);
        if (current.backendSets.contains(serviceId)) delta.backendSetsGone.insert(serviceId);
    }
    const auto held = asSet(now.held);
    for (const auto& key : before.held) {
        if (held.contains(key)) continue;
        if (auto it = ids.held.find(key); it != ids.held.end()) {
            replanSet(it->second, {}, ids, &backends);
            ids.held.erase(it);
        }
    }
    const auto revNat = asSet(now.revNat);
    for (const auto& feKey : before.revNat) {
        if (revNat.contains(feKey)) continue;
        const std::uint32_t revNatId = ids.revNat.idFor(feKey);
        ids.revNat.release(feKey);
        if (current.revNat.contains(revNatId)) delta.revNatGone.insert(revNatId);
    }
}

// The port 0 frontends of ClusterIPs that came or went.
void planUnserved(const std::vector<IpAddress>& clusterIPs, const ServiceMaps& current, ServiceIds& ids,
                  ServiceMapsDelta& delta) {
    std::vector<IpAddress> added, gone;
    std::set_difference(clusterIPs.begin(), clusterIPs.end(), ids.clusterIPs.begin(), ids.clusterIPs.end(),
                        std::back_inserter(added));
    std::set_difference(ids.clusterIPs.begin(), ids.clusterIPs.end(), clusterIPs.begin(), clusterIPs.end(),
                        std::back_inserter(gone));
    if (!added.empty()) {
        datapath::FrontendValue value;
        value.serviceId = ids.services.idFor(kUnservedSetKey);
        value.flags.rejectWithoutBackend = true;
        for (const auto& key : unservedFrontends(added))
            if (!holds(current.frontends, key, value)) delta.write.frontends[key] = value;
    }
    for (const auto& key : unservedFrontends(gone))
        if (current.frontends.contains(key)) delta.frontendsGone.insert(key);
    ids.clusterIPs = clusterIPs;
}

}  // namespace

std::optional<ServiceMapsDelta> planServiceChanges(const compiler::DesiredServices& desired,
                                                   const std::vector<IpAddress>& nodeAddresses,
                                                   const std::set<std::string>& changed, const ServiceMaps& current,
                                                   ServiceIds& ids, bool sharedFrontends) {
    if (ids.plans == 0 || !ids.adoptedSets.empty() || ids.contested || sharedFrontends) return std::nullopt;
    // The shared set of the port 0 frontends exists while any ClusterIP does.
    if (desired.clusterIPs.empty() != ids.clusterIPs.empty()) return std::nullopt;
    auto rules = changedRules(desired, nodeAddresses, changed, current, ids);
    if (!rules) return std::nullopt;

    std::map<std::string, PortList> ports;  // of the changed services
    for (const auto& port : desired.ports)
        if (changed.contains(port.service)) ports[port.service].push_back(&port);

    const std::uint64_t plan = ++ids.plans;
    ServiceMapsDelta delta;
    BackendChanges backends;
    for (const auto& [name, serviceRules] : *rules) {
        PlannedService before;
        if (auto it = ids.byService.find(name); it != ids.byService.end()) {
            before = std::move(it->second);
            ids.byService.erase(it);
        }
        PlannedService now = planService(serviceRules, ports[name], plan, current, ids, delta, backends);
        releaseService(before, now, current, ids, delta, backends);
        if (!now.frontends.empty() || !now.sets.empty() || !now.held.empty())
            ids.byService.emplace(name, std::move(now));
    }
    releaseUnlisted(ids, &backends);
    for (const auto& [id, backend] : backends) {
        if (backend) {
            if (!holds(current.backends, id, *backend)) delta.write.backends[id] = *backend;
        } else if (current.backends.contains(id)) {
            delta.backendsGone.insert(id);
        }
    }
    planUnserved(desired.clusterIPs, current, ids, delta);
    return delta;
}

}  // namespace nodeplane::daemon
