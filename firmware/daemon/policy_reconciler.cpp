#include "daemon/policy_reconciler.h"

#include "nodeplane/abi/endpoints.h"

namespace nodeplane::daemon {

namespace {
const std::map<IpPrefix, policy::IpcacheEntry> kNoAddresses;
}  // namespace

PolicyMaps flattenPolicy(const policy::DesiredPolicy& desired) {
    PolicyMaps out;
    out.ipcache = desired.ipcache;
    for (const auto& ep : desired.endpoints)
        if (!ep.allows.empty()) out.entries.emplace(ep.endpointId, ep.allows);
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
    for (const auto& [key, policyId] : *entries) actual.entries[key.endpointId].emplace(key.entry, policyId);
    applied_ = std::move(actual);
    return {};
}

Result<PolicyReconcileReport> PolicyReconciler::writeWanted(const PolicyMaps& desired) {
    if (!applied_)
        if (auto st = learn(); !st) return st.error();
    PolicyReconcileReport report;
    // A failure leaves the maps between two states: read them back next time.
    appliedInputs_.reset();
    auto fail = [&](const Error& e) -> Result<PolicyReconcileReport> {
        applied_.reset();
        return e;
    };
    // Entries before addresses: an address that moves to a new identity
    // finds that identity's entries already there.
    for (const auto& [endpoint, wanted] : desired.entries) {
        EndpointEntries& held = applied_->entries[endpoint];
        if (held == wanted) continue;
        for (const auto& [entry, policyId] : wanted) {
            auto it = held.find(entry);
            if (it != held.end() && it->second == policyId) continue;
            if (auto st = tables_.entries.upsert(datapath::PolicyMapKey{endpoint, entry}, policyId); !st)
                return fail(st.error());
            held[entry] = policyId;
            ++report.writes;
        }
    }
    // One compare passes over an unchanged ipcache (most changes leave it).
    for (const auto& [prefix, entry] : applied_->ipcache == desired.ipcache ? kNoAddresses : desired.ipcache) {
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
    static const EndpointEntries kNone;
    for (auto held = applied_->entries.begin(); held != applied_->entries.end();) {
        auto wantedAt = desired.entries.find(held->first);
        const EndpointEntries& wanted = wantedAt == desired.entries.end() ? kNone : wantedAt->second;
        if (held->second == wanted) {
            ++held;
            continue;
        }
        for (auto it = held->second.begin(); it != held->second.end();) {
            if (wanted.contains(it->first)) {
                ++it;
                continue;
            }
            if (auto st = tables_.entries.erase(datapath::PolicyMapKey{held->first, it->first}); !st) {
                applied_.reset();
                return st.error();
            }
            it = held->second.erase(it);
            ++report.removals;
        }
        held = held->second.empty() ? applied_->entries.erase(held) : std::next(held);
    }
    if (applied_->ipcache == desired.ipcache) return report;
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
