#include "daemon/service_reconciler.h"

#include <spdlog/spdlog.h>

namespace nodeplane::daemon {

namespace {

state::Protocol modelProtocol(datapath::L4Protocol p) {
    switch (p) {
        case datapath::L4Protocol::Tcp: return state::Protocol::TCP;
        case datapath::L4Protocol::Udp: return state::Protocol::UDP;
        case datapath::L4Protocol::Sctp: return state::Protocol::SCTP;
    }
    return state::Protocol::TCP;
}

// Writes `desired` entries that differ from `actual`; returns the count.
template <typename Map, typename Write>
Result<int> writeChanged(const Map& desired, const Map& actual, Write write) {
    int n = 0;
    for (const auto& [key, value] : desired) {
        auto it = actual.find(key);
        if (it != actual.end() && it->second == value) continue;
        if (auto st = write(key, value); !st) return st.error();
        ++n;
    }
    return n;
}

}  // namespace

Status ServiceReconciler::adopt(ServiceIds& ids) {
    auto frontends = tables_.services.list();
    if (!frontends) return frontends.error();
    for (const auto& [key, entry] : *frontends) {
        ids.revNat.seed({key.address, key.port, modelProtocol(key.protocol)}, entry.value.revNatId);
        // Which service port a set belonged to is not in the maps: new ids
        // are handed out above the old ones, and the first apply re-points
        // the frontends (each flip atomic).
        ids.services.skipPast(entry.value.serviceId);
    }
    auto backends = tables_.backends.list();
    if (!backends) return backends.error();
    for (const auto& [id, backend] : *backends) ids.backends.seed(backend, id);
    return {};
}

Result<ServiceReconcileReport> ServiceReconciler::apply(const ServiceMaps& desired) {
    ServiceReconcileReport report;
    auto backends = tables_.backends.list();
    if (!backends) return backends.error();
    auto revNat = tables_.revNat.list();
    if (!revNat) return revNat.error();
    auto ranges = tables_.sourceRanges.list();
    if (!ranges) return ranges.error();
    auto frontends = tables_.services.list();
    if (!frontends) return frontends.error();

    // 1. What new frontends and sets will point at.
    auto n = writeChanged(desired.backends, *backends,
                          [&](auto id, const auto& b) { return tables_.backends.upsert(id, b); });
    if (!n) return n.error();
    report.writes += *n;
    n = writeChanged(desired.revNat, *revNat, [&](auto id, const auto& t) { return tables_.revNat.upsert(id, t); });
    if (!n) return n.error();
    report.writes += *n;
    for (const auto& r : desired.sourceRanges) {
        if (ranges->contains(r)) continue;
        if (auto st = tables_.sourceRanges.insert(r.first, r.second); !st) return st.error();
        ++report.writes;
    }

    // 2. Backend sets that differ, in one batch: one grace period for all.
    std::map<std::uint32_t, std::vector<datapath::BackendId>> changedSets;
    for (const auto& [serviceId, set] : desired.backendSets) {
        auto current = tables_.services.backendSet(serviceId);
        if (!current) return current.error();
        if (*current != set) changedSets[serviceId] = set;
    }
    if (!changedSets.empty()) {
        if (auto st = tables_.services.replaceBackendSets(changedSets); !st) return st.error();
        report.writes += static_cast<int>(changedSets.size());
    }

    // 3. Frontends, each in one update.
    std::map<datapath::FrontendKey, datapath::FrontendValue> actualValues;
    for (const auto& [key, entry] : *frontends) actualValues[key] = entry.value;
    n = writeChanged(desired.frontends, actualValues,
                     [&](const auto& key, const auto& v) { return tables_.services.upsert(key, v); });
    if (!n) return n.error();
    report.writes += *n;

    // 4. What is no longer wanted.
    std::set<std::uint32_t> staleSets;
    for (const auto& [key, entry] : *frontends) {
        if (!desired.frontends.contains(key)) {
            if (auto st = tables_.services.erase(key); !st) return st.error();
            ++report.removals;
        }
        if (!desired.backendSets.contains(entry.value.serviceId)) staleSets.insert(entry.value.serviceId);
    }
    for (auto id : staleSets) {
        if (auto st = tables_.services.eraseBackendSet(id); !st) return st.error();
        ++report.removals;
    }
    for (const auto& r : *ranges) {
        if (desired.sourceRanges.contains(r)) continue;
        if (auto st = tables_.sourceRanges.erase(r.first, r.second); !st) return st.error();
        ++report.removals;
    }
    for (const auto& [id, target] : *revNat) {
        if (desired.revNat.contains(id)) continue;
        if (auto st = tables_.revNat.erase(id); !st) return st.error();
        ++report.removals;
    }
    for (const auto& [id, backend] : *backends) {
        if (desired.backends.contains(id)) continue;
        if (auto st = tables_.backends.erase(id); !st) return st.error();
        ++report.removals;
        // Flows pinned to a backend that is gone: cut them so the datapath
        // picks anew (UDP) or refuses (TCP) instead of sending into the void.
        auto cut = tables_.conntrack.eraseByBackend(id);
        if (cut) report.flowsCut += *cut;
        else spdlog::warn("Failed to drop conntrack entries of backend {}: {}, ignoring", id, cut.error().message);
    }
    return report;
}

}  // namespace nodeplane::daemon
