// Applies a DesiredPolicy's maps: the ipcache and the per-endpoint policy
// entries. Split in two around the endpoint map (which carries each pod's
// isolation flags and is the Reconciler's): allows and new identities are
// written before any pod turns isolated, and stale entries removed only
// after, so a policy change never denies for a moment what both the old and
// the new policy allow.
//
// It diffs against what it last applied; at start, and after a failed pass,
// against what the maps hold (a restarted daemon adopts them and writes only
// the difference).
#pragma once

#include <map>
#include <optional>

#include "compiler/desired_node.h"
#include "datapath/policy_tables.h"
#include "policy/desired_policy.h"

namespace nodeplane::daemon {

struct PolicyTables {
    datapath::IpcacheTable& ipcache;
    datapath::PolicyTable& entries;
};

struct PolicyReconcileReport {
    int writes = 0;
    int removals = 0;
};

// The policy maps' contents, flattened.
struct PolicyMaps {
    std::map<IpPrefix, policy::IpcacheEntry> ipcache;
    std::map<datapath::PolicyMapKey, std::uint32_t> entries;

    bool operator==(const PolicyMaps&) const = default;
};

PolicyMaps flattenPolicy(const policy::DesiredPolicy& desired);

// Gives each local endpoint its pod's identity and isolation flags, which
// the Reconciler writes into the endpoint map with the rest of the entry.
void annotateEndpoints(compiler::DesiredNode& node, const policy::DesiredPolicy& desired);

class PolicyReconciler {
public:
    explicit PolicyReconciler(PolicyTables tables) : tables_(tables) {}

    // Step 1: every wanted entry that is missing or different.
    Result<PolicyReconcileReport> writeWanted(const PolicyMaps& desired);
    // Step 2, after the endpoint map: every entry no longer wanted.
    Result<PolicyReconcileReport> removeUnwanted(const PolicyMaps& desired);

private:
    Status learn();  // reads the maps back into applied_

    PolicyTables tables_;
    std::optional<PolicyMaps> applied_;  // what the maps hold, as far as this process knows
};

}  // namespace nodeplane::daemon
