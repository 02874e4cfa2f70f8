// ServiceReconciler::applyChanges(): a delta of a few services written in
// the order apply() keeps, each write also made to the remembered maps so
// they stay what the kernel holds.
#include <spdlog/spdlog.h>

#include "daemon/service_reconciler.h"

namespace nodeplane::daemon {

namespace {

// Calls write(entry) for each entry and remembers it in `held`.
template <typename Map, typename Write>
Status writeEach(const Map& entries, Map& held, ServiceReconcileReport& report, Write write) {
    for (const auto& [key, value] : entries) {
        if (auto st = write(key, value); !st) return st;
        held.insert_or_assign(key, value);
        ++report.writes;
    }
    return {};
}

// Calls erase(key) for each key and forgets it in `held`.
template <typename Keys, typename Held, typename Erase>
Status eraseEach(const Keys& keys, Held& held, ServiceReconcileReport& report, Erase erase) {
    for (const auto& key : keys) {
        if (auto st = erase(key); !st) return st;
        held.erase(key);
        ++report.removals;
    }
    return {};
}

}  // namespace

Result<ServiceReconcileReport> ServiceReconciler::applyChanges(const ServiceMapsDelta& delta) {
    if (!applied_) return Error::logical("what the service maps hold is unknown: apply the whole plan");
    ServiceReconcileReport report;
    // Unknown again should a write fail half way.
    ServiceMaps held = std::move(*applied_);
    applied_.reset();
    const ServiceMaps& w = delta.write;

    // 1. What new frontends and sets will point at.
    auto st = writeEach(w.backends, held.backends, report,
                        [&](auto id, const auto& b) { return tables_.backends.upsert(id, b); });
    if (!st) return st.error();
    st = writeEach(w.revNat, held.revNat, report, [&](auto id, const auto& t) { return tables_.revNat.upsert(id, t); });
    if (!st) return st.error();
    for (const auto& r : w.sourceRanges) {
        if (st = tables_.sourceRanges.insert(r.first, r.second); !st) return st.error();
        held.sourceRanges.insert(r);
        ++report.writes;
    }
    // 2. Backend sets, in one batch: one grace period for all.
    if (!w.backendSets.empty()) {
        if (st = tables_.services.replaceBackendSets(w.backendSets); !st) return st.error();
        for (const auto& [id, set] : w.backendSets) held.backendSets.insert_or_assign(id, set);
        report.writes += static_cast<int>(w.backendSets.size());
    }
    // 3. Frontends, each in one update.
    st = writeEach(w.frontends, held.frontends, report,
                   [&](const auto& key, const auto& value) { return tables_.services.upsert(key, value); });
    if (!st) return st.error();

    // 4. What is no longer wanted, frontends before the sets they name.
    st = eraseEach(delta.frontendsGone, held.frontends, report,
                   [&](const auto& key) { return tables_.services.erase(key); });
    if (!st) return st.error();
    st = eraseEach(delta.backendSetsGone, held.backendSets, report,
                   [&](auto id) { return tables_.services.eraseBackendSet(id); });
    if (!st) return st.error();
    st = eraseEach(delta.sourceRangesGone, held.sourceRanges, report,
                   [&](const auto& r) { return tables_.sourceRanges.erase(r.first, r.second); });
    if (!st) return st.error();
    st = eraseEach(delta.revNatGone, held.revNat, report, [&](auto id) { return tables_.revNat.erase(id); });
    if (!st) return st.error();
    st = eraseEach(delta.backendsGone, held.backends, report, [&](auto id) -> Status {
        if (auto erased = tables_.backends.erase(id); !erased) return erased;
        // As apply(): flows pinned to a backend that is gone are cut.
        auto cut = tables_.conntrack.eraseByBackend(id);
        if (cut) report.flowsCut += *cut;
        else spdlog::warn("Failed to drop conntrack entries of backend {}: {}, ignoring", id, cut.error().message);
        return {};
    });
    if (!st) return st.error();
    applied_ = std::move(held);
    return report;
}

}  // namespace nodeplane::daemon
