// NetworkPolicy in the daemon: compiling a state's policies for this node,
// applying them around the endpoint map, and the control API's views of them.
#include <spdlog/spdlog.h>

#include "daemon/daemon.h"
#include "daemon/policy_listing.h"
#include "policy/policy_compiler.h"

namespace nodeplane::daemon {

InputErrors Daemon::compilePolicy(const state::Model& model, compiler::DesiredNode& node) {
    const auto& cfg = config_.config;
    auto desired = policy::compilePolicy(model, node.localEndpoints, {.allowFromHost = cfg.policy.allowFromHost},
                                         policyIds_);
    std::size_t entries = 0;
    for (const auto& ep : desired.endpoints) entries += ep.allows.size();
    InputErrors errors;
    // Refused whole, like any state that does not fit: the last good policy
    // keeps being enforced.
    if (entries > cfg.datapath.maxPolicyEntries)
        errors.push_back({cfg.state.snapshot, 0, 0, "", "networkPolicies",
                          "the policies need " + std::to_string(entries) + " policy map entries on this node, more than " +
                              "[datapath] max-policy-entries (" + std::to_string(cfg.datapath.maxPolicyEntries) + ")"});
    if (desired.ipcache.size() > cfg.datapath.maxIpcacheEntries)
        errors.push_back({cfg.state.snapshot, 0, 0, "", "pods",
                          "the cluster needs " + std::to_string(desired.ipcache.size()) +
                              " ipcache entries (pod and node addresses, ipBlock prefixes), more than " +
                              "[datapath] max-ipcache-entries (" + std::to_string(cfg.datapath.maxIpcacheEntries) + ")"});
    if (!errors.empty()) return errors;
    annotateEndpoints(node, desired);
    policy_ = std::move(desired);
    return errors;
}

void Daemon::applyPolicyAndEndpoints() {
    if (!policy_) {
        reconcileNow();
        return;
    }
    const PolicyMaps maps = flattenPolicy(*policy_);
    auto written = policyReconciler_->writeWanted(maps);
    if (!written) spdlog::error("Failed to write the policy maps: {}", written.error().message);
    // Isolation flags change only once what they allow is in place.
    reconcileNow();
    auto removed = policyReconciler_->removeUnwanted(maps);
    if (!removed) spdlog::error("Failed to remove stale policy entries: {}", removed.error().message);
    const bool changed = (written && written->writes > 0) || (removed && removed->removals > 0) || !written || !removed;
    if (!changed) return;
    // Flows decided under the old maps are decided again on their next
    // packet (0 is never used: it marks an entry never decided).
    policyRevision_ = policyRevision_ == UINT32_MAX ? 1 : policyRevision_ + 1;
    if (auto st = datapath_->setPolicyRevision(policyRevision_); !st)
        spdlog::error("Failed to raise the policy revision: {}", st.error().message);
    spdlog::debug("Policy: {} writes, {} removals, revision {}", written ? written->writes : 0,
                  removed ? removed->removals : 0, policyRevision_);
}

Result<std::vector<bus::IdentityRecord>> Daemon::listIdentities() {
    if (!policy_) return std::vector<bus::IdentityRecord>{};
    auto ipcache = datapath_->ipcache().list();
    if (!ipcache) return ipcache.error();
    return identityRecords(*policy_, *ipcache);
}

Result<bus::EndpointPolicyRecord> Daemon::policyOf(const std::string& pod) {
    if (!policy_) return Error::logical("no state applied yet");
    auto entries = datapath_->policy().list();
    if (!entries) return entries.error();
    return endpointPolicyRecord(pod, *policy_, *entries);
}

}  // namespace nodeplane::daemon
