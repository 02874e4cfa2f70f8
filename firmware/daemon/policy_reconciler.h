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
#include "policy/policy_inputs.h"

namespace nodeplane::daemon {

struct PolicyTables {
    datapath::IpcacheTable& ipcache;
    datapath::PolicyTable& entries;
};

struct PolicyReconcileReport {
    int writes = 0;
    int removals = 0;
};

// One endpoint's np_policy_v1 entries -> the policy id that allows each.
using EndpointEntries = std::map<policy::PolicyEntryKey, std::uint32_t>;

// The policy maps' contents, np_policy_v1 grouped by endpoint: a change
// touches a few endpoints, and the others are passed over after one compare
// of their entries rather than a lookup per entry.
struct PolicyMaps {
    std::map<IpPrefix, policy::IpcacheEntry> ipcache;
    std::map<std::uint32_t, EndpointEntries> entries;  // by endpoint id; no endpoint without entries

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

    // The digest of the inputs (policy_inputs.h) whose compile the maps hold
    // in full, so the caller can pass over a state whose policy did not
    // change without even flattening it. Forgotten on any failure.
    bool holds(const policy::PolicyInputsDigest& inputs) const { return applied_ && appliedInputs_ == inputs; }
    void markApplied(const policy::PolicyInputsDigest& inputs) {
        if (applied_) appliedInputs_ = inputs;
    }

private:
    Status learn();  // reads the maps back into applied_

    PolicyTables tables_;
    std::optional<PolicyMaps> applied_;  // what the maps hold, as far as this process knows
    std::optional<policy::PolicyInputsDigest> appliedInputs_;
};

}  // namespace nodeplane::daemon
