#include "state/snapshot_changes.h"

#include <map>
#include <vector>

namespace nodeplane::state {
namespace {

// Each key's objects before and after. A key is normally held once; a
// duplicate (refused by validation) still has to count as a change.
template <typename T>
using Versions = std::map<ObjectKey, std::pair<std::vector<const T*>, std::vector<const T*>>>;

template <typename T>
bool same(const std::vector<const T*>& a, const std::vector<const T*>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!(*a[i] == *b[i])) return false;
    return true;
}

template <typename T>
Versions<T> versionsOf(const std::vector<T>& before, const std::vector<T>& after) {
    Versions<T> v;
    for (const auto& o : before) v[{o.namespace_, o.name}].first.push_back(&o);
    for (const auto& o : after) v[{o.namespace_, o.name}].second.push_back(&o);
    return v;
}

std::vector<std::string> nodeNames(const ParsedSnapshot& p) {
    std::vector<std::string> names;
    names.reserve(p.nodeSettings.size());
    for (const auto& s : p.nodeSettings) names.push_back(s.name);
    return names;
}

}  // namespace

bool SnapshotChanges::empty() const {
    return !everything && !nodes && !namespaces && !pods && !networkPolicies && services.empty() &&
           endpointSlicesOf.empty();
}

std::set<ObjectKey> SnapshotChanges::servicesTouched() const {
    std::set<ObjectKey> keys = services;
    keys.insert(endpointSlicesOf.begin(), endpointSlicesOf.end());
    return keys;
}

void SnapshotChanges::add(const SnapshotChanges& later) {
    everything = everything || later.everything;
    nodes = nodes || later.nodes;
    namespaces = namespaces || later.namespaces;
    pods = pods || later.pods;
    networkPolicies = networkPolicies || later.networkPolicies;
    services.insert(later.services.begin(), later.services.end());
    endpointSlicesOf.insert(later.endpointSlicesOf.begin(), later.endpointSlicesOf.end());
}

void addDifferences(const ParsedSnapshot& before, const ParsedSnapshot& after, SnapshotChanges& changes) {
    const Model& b = before.model;
    const Model& a = after.model;
    // Objects no service reads are only flagged: their consumers (the node
    // and policy compilers) take the whole state anyway.
    changes.nodes = changes.nodes || b.nodes != a.nodes || nodeNames(before) != nodeNames(after);
    changes.namespaces = changes.namespaces || b.namespaces != a.namespaces;
    changes.pods = changes.pods || b.pods != a.pods;
    changes.networkPolicies = changes.networkPolicies || b.networkPolicies != a.networkPolicies;

    for (const auto& [key, v] : versionsOf(b.services, a.services))
        if (!same(v.first, v.second)) changes.services.insert(key);
    // A changed slice touches the service it belonged to and the one it
    // belongs to now (its kubernetes.io/service-name label may have moved).
    for (const auto& [key, v] : versionsOf(b.endpointSlices, a.endpointSlices)) {
        if (same(v.first, v.second)) continue;
        for (const auto* s : v.first) changes.endpointSlicesOf.insert({s->namespace_, s->service});
        for (const auto* s : v.second) changes.endpointSlicesOf.insert({s->namespace_, s->service});
    }
}

}  // namespace nodeplane::state
