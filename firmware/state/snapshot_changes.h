// What changed between two loads of a snapshot, by object: the services and
// the services whose EndpointSlices were added, changed or removed, and
// whether anything the services do not own changed (nodes, namespaces, pods,
// policies). Later stages (the service compiler, the plan, the reconciler)
// use it to work on what changed instead of the whole cluster: at 10,000
// services one endpoint change must not cost a pass over all of them.
//
// Changes of several loads add up: a consumer that skipped a load (it was
// refused) takes the sum, which covers every object that differs between the
// state it last used and the new one.
#pragma once

#include <set>
#include <string>
#include <utility>

#include "state/parsed_snapshot.h"

namespace nodeplane::state {

// namespace, name
using ObjectKey = std::pair<std::string, std::string>;

struct SnapshotChanges {
    // No earlier load to compare with: take everything as changed.
    bool everything = false;
    bool nodes = false;       // [[nodes]] or the `node` setting
    bool namespaces = false;
    bool pods = false;
    bool networkPolicies = false;
    std::set<ObjectKey> services;          // Services added, changed or removed
    std::set<ObjectKey> endpointSlicesOf;  // (namespace, service) of slices added, changed or removed

    bool empty() const;
    // Did anything a NetworkPolicy is compiled from change?
    bool policyInputs() const { return everything || nodes || namespaces || pods || networkPolicies; }
    // Services whose inputs (the Service or one of its slices) changed; meaningless with `everything`.
    std::set<ObjectKey> servicesTouched() const;
    // Adds a later load's changes.
    void add(const SnapshotChanges& later);
};

// Adds what differs between a document's parse before and after (either may
// be empty: a file that appeared or went away) to `changes`.
void addDifferences(const ParsedSnapshot& before, const ParsedSnapshot& after, SnapshotChanges& changes);

}  // namespace nodeplane::state
