#include "daemon/policy_reconciler.h"

#include "nodeplane/abi/endpoints.h"

namespace nodeplane::daemon {

PolicyMaps flattenPolicy(const policy::DesiredPolicy& desired) {
    PolicyMaps out;
    out.ipcache = desired.ipcache;
    for (const auto& ep : desired.endpoints)
        for (const auto& [entry, policyId] : ep.allows) out.entries.emplace(datapath::PolicyMapKey{ep.endpointId, entry}, policyId);
    return out;
}

void annotateEndpoints(compiler::DesiredNode& node, const policy::DesiredPolicy& desired) {
    std::map<std::uint32_t, const policy::EndpointPolicy*> byId;
    for (const auto& ep : desired.endpoints) byId[ep.endpointId] = &ep;
    for (auto& ep : node.localEndpoints) {
        auto it = byId.find(ep.endpointId);
        if (it == byId.end()) continue;
        ep.identity = it->second->identity;
        std::uint32_t flags = 0;
        if (it->second->ingressIsolated) flags |= NP_ENDPOINT_F_INGRESS_ISOLATED;
        if (it->second->egressIsolated) flags |= NP_ENDPOINT_F_EGRESS_ISOLATED;
        ep.policyFlags = flags;
    }
}

Status PolicyReconciler::learn() {
    PolicyMaps actual;
    auto ipcache = tables_.ipcache.list();
    if (!ipcache) return ipcache.error();
    actual.ipcache = std::move(ipcache).value();
    auto entries = tables_.entries.list();
    if (!entries) return entries.error();
    actual.entries = std::move(entries).value();
    applied_ = std::move(actual);
    return {};
}

Result<PolicyReconcileReport> PolicyReconciler::writeWanted(const PolicyMaps& desired) {
    if (!applied_)
        if (auto st = learn(); !st) return st.error();
    PolicyReconcileReport report;
    // A failure leaves the maps between two states: read them back next time.
    auto fail = [&](const Error& e) -> Result<PolicyReconcileReport> {
        applied_.reset();
        return e;
    };
    // Entries before addresses: an address that moves to a new identity
    // finds that identity's entries already there.
    for (const auto& [key, policyId] : desired.entries) {
        auto it = applied_->entries.find(key);
        if (it != applied_->entries.end() && it->second == policyId) continue;
        if (auto st = tables_.entries.upsert(key, policyId); !st) return fail(st.error());
        applied_->entries[key] = policyId;
        ++report.writes;
    }
    for (const auto& [prefix, entry] : desired.ipcache) {
        auto it = applied_->ipcache.find(prefix);
        if (it != applied_->ipcache.end() && it->second == entry) continue;
        if (auto st = tables_.ipcache.upsert(prefix, entry); !st) return fail(st.error());
        applied_->ipcache[prefix] = entry;
        ++report.writes;
    }
    return report;
}

Result<PolicyReconcileReport> PolicyReconciler::removeUnwanted(const PolicyMaps& desired) {
    if (!applied_)
        if (auto st = learn(); !st) return st.error();
    PolicyReconcileReport report;
    for (auto it = applied_->entries.begin(); it != applied_->entries.end();) {
        if (desired.entries.contains(it->first)) {
            ++it;
            continue;
        }
        if (auto st = tables_.entries.erase(it->first); !st) {
            applied_.reset();
            return st.error();
        }
        it = applied_->entries.erase(it);
        ++report.removals;
    }
    for (auto it = applied_->ipcache.begin(); it != applied_->ipcache.end();) {
        if (desired.ipcache.contains(it->first)) {
            ++it;
            continue;
        }
        if (auto st = tables_.ipcache.erase(it->first); !st) {
            applied_.reset();
            return st.error();
        }
        it = applied_->ipcache.erase(it);
        ++report.removals;
    }
    return report;
}

}  // namespace nodeplane::daemon
