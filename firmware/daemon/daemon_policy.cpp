// NetworkPolicy in the daemon: compiling a state's policies for this node,
// applying them around the endpoint map, and the control API's views of them.
#include <chrono>

#include <spdlog/spdlog.h>

#include "daemon/daemon.h"
#include "daemon/policy_id_adoption.h"
#include "daemon/policy_listing.h"
#include "policy/policy_compiler.h"
#include "policy/policy_inputs.h"

namespace nodeplane::daemon {

InputErrors Daemon::compilePolicy(const state::Model& model, compiler::DesiredNode& node) {
    const auto& cfg = config_.config;
    const policy::PolicyOptions options{.allowFromHost = cfg.policy.allowFromHost};
    // Nothing policy reads changed (a service or slice change, say): the
    // last good policy stands as it is, and so do the maps. The snapshot's
    // change set says so for free; otherwise the digest of the inputs does
    // (it costs tens of ms at 50,000 pods).
    const bool sameLocal = policyEndpoints_ == node.localEndpoints && policyOptions_ &&
                           policyOptions_->allowFromHost == options.allowFromHost;
    if (policy_ && !policyInputsChanged_ && sameLocal) {
        annotateEndpoints(node, *policy_);
        spdlog::debug("Policy: the snapshot changed nothing it reads, not compiled");
        return {};
    }
    const auto began = std::chrono::steady_clock::now();
    const auto inputs = policy::policyInputsDigest(model, node.localEndpoints, options);
    const auto digested = std::chrono::steady_clock::now();
    auto ms = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
    if (policy_ && policyIds_.lastInputs == inputs) {
        policyInputsChanged_ = false;
        policyEndpoints_ = node.localEndpoints;
        policyOptions_ = options;
        annotateEndpoints(node, *policy_);
        spdlog::debug("Policy: inputs unchanged ({:.1f} ms to tell), not compiled", ms(began, digested));
        return {};
    }
    // This process's first compile: number pods as the maps a predecessor
    // left do (policy_id_adoption.h says what a renumbering would open).
    if (!policy_) {
        if (auto held = datapath_->ipcache().list(); held) {
            auto adopted = adoptPolicyIds(model, *held, policyIds_);
            if (adopted.pods || adopted.skipped)
                spdlog::info("Policy: kept the identities of {} pod label sets from the maps ({} taken by another)",
                             adopted.pods, adopted.skipped);
        } else {
            spdlog::warn("Failed to read the ipcache to keep its identities: {}, numbering anew", held.error().message);
        }
    }
    auto desired = policy::compilePolicy(model, node.localEndpoints, options, policyIds_);
    spdlog::debug("Policy: compiled in {:.1f} ms ({:.1f} ms to tell the inputs changed)",
                  ms(digested, std::chrono::steady_clock::now()), ms(began, digested));
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
    policyInputsChanged_ = false;
    policyEndpoints_ = node.localEndpoints;
    policyOptions_ = options;
    annotateEndpoints(node, desired);
    policy_ = std::move(desired);
    policyIds_.lastInputs = inputs;
    return errors;
}

void Daemon::applyPolicyAndEndpoints() {
    if (!policy_) {
        reconcileNow();
        return;
    }
    // The maps already hold this policy in full: only the endpoints may differ.
    if (policyIds_.lastInputs && policyReconciler_->holds(*policyIds_.lastInputs)) {
        reconcileNow();
        return;
    }
    const auto began = std::chrono::steady_clock::now();
    const PolicyMaps maps = flattenPolicy(*policy_);
    auto written = policyReconciler_->writeWanted(maps);
    if (!written) spdlog::error("Failed to write the policy maps: {}", written.error().message);
    // Isolation flags change only once what they allow is in place.
    reconcileNow();
    auto removed = policyReconciler_->removeUnwanted(maps);
    if (!removed) spdlog::error("Failed to remove stale policy entries: {}", removed.error().message);
    if (written && removed && policyIds_.lastInputs) policyReconciler_->markApplied(*policyIds_.lastInputs);
    const bool changed = (written && written->writes > 0) || (removed && removed->removals > 0) || !written || !removed;
    if (!changed) return;
    // Flows decided under the old maps are decided again on their next
    // packet (0 is never used: it marks an entry never decided).
    policyRevision_ = policyRevision_ == UINT32_MAX ? 1 : policyRevision_ + 1;
    if (auto st = datapath_->setPolicyRevision(policyRevision_); !st)
        spdlog::error("Failed to raise the policy revision: {}", st.error().message);
    spdlog::debug("Policy: {} writes, {} removals, revision {}, applied with the endpoints in {:.1f} ms",
                  written ? written->writes : 0, removed ? removed->removals : 0, policyRevision_,
                  std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
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
