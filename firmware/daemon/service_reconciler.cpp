#include "daemon/service_reconciler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

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

// Both walks below go through two containers sorted by the same key side by
// side: linear, where a lookup per element would be n log n at 100,000
// backends on every change.

// Calls `visit` with each element of `desired` that `actual` lacks or holds
// with another value; stops at the first failure.
template <typename Container, typename Visit>
Status forEachChanged(const Container& desired, const Container& actual, Visit visit) {
    const auto less = actual.value_comp();
    auto a = actual.begin();
    for (const auto& d : desired) {
        while (a != actual.end() && less(*a, d)) ++a;
        if (a != actual.end() && !less(d, *a) && *a == d) continue;
        if (auto st = visit(d); !st) return st;
    }
    return {};
}

// Calls `visit` with each element of `actual` whose key `desired` lacks.
template <typename Container, typename Visit>
Status forEachGone(const Container& desired, const Container& actual, Visit visit) {
    const auto less = desired.value_comp();
    auto d = desired.begin();
    for (const auto& a : actual) {
        while (d != desired.end() && less(*d, a)) ++d;
        if (d != desired.end() && !less(a, *d)) continue;
        if (auto st = visit(a); !st) return st;
    }
    return {};
}

}  // namespace

Result<ServiceMaps> ServiceReconciler::readBack() const {
    ServiceMaps maps;
    auto frontends = tables_.services.list();
    if (!frontends) return frontends.error();
    for (const auto& [key, entry] : *frontends) {
        maps.frontends.emplace(key, entry.value);
        if (maps.backendSets.contains(entry.value.serviceId)) continue;
        auto set = tables_.services.backendSet(entry.value.serviceId);
        if (!set) return set.error();
        maps.backendSets.emplace(entry.value.serviceId, std::move(set).value());
    }
    auto backends = tables_.backends.list();
    if (!backends) return backends.error();
    maps.backends = std::move(backends).value();
    auto revNat = tables_.revNat.list();
    if (!revNat) return revNat.error();
    maps.revNat = std::move(revNat).value();
    auto ranges = tables_.sourceRanges.list();
    if (!ranges) return ranges.error();
    maps.sourceRanges = std::move(ranges).value();
    return maps;
}

Status ServiceReconciler::adopt(ServiceIds& ids) {
    auto maps = readBack();
    if (!maps) return maps.error();
    for (const auto& [key, value] : maps->frontends) {
        ids.revNat.seed({key.address, key.port, modelProtocol(key.protocol)}, value.revNatId);
        // Which service port a set belongs to is not in the maps; the first
        // plan learns it from the frontends that still point at the set.
        ids.services.skipPast(value.serviceId);
        ids.adoptedSets.emplace(key, value.serviceId);
    }
    for (const auto& [id, backend] : maps->backends) ids.backends.seed(backendIdKey(backend), id);
    // Conntrack outlives a backend map whose layout changed (a new map
    // starts empty): its entries still name the old ids, so new backends
    // must not get them, or old flows would follow them to the wrong pod.
    std::uint32_t highest = 0;
    auto walked = tables_.conntrack.forEach([&](const datapath::ConntrackEntry& e) -> Status {
        highest = std::max(highest, e.backendId);
        return {};
    });
    if (!walked) return walked;
    if (highest) ids.backends.skipPast(highest);
    applied_ = std::move(maps).value();
    return {};
}

Result<ServiceReconcileReport> ServiceReconciler::apply(ServiceMaps desired) {
    ServiceReconcileReport report;
    if (!applied_) {
        auto read = readBack();
        if (!read) return read.error();
        applied_ = std::move(read).value();
        report.readBack = true;
    }
    // Unknown until this apply has written all of it: a failure half way
    // leaves the maps between the two states.
    ServiceMaps actual = std::move(*applied_);
    applied_.reset();
    if (auto st = write(desired, actual, report); !st) return st.error();
    if (auto st = remove(desired, actual, report); !st) return st.error();
    applied_ = std::move(desired);
    return report;
}

Status ServiceReconciler::write(const ServiceMaps& desired, const ServiceMaps& actual, ServiceReconcileReport& report) {
    // 1. What new frontends and sets will point at.
    auto st = forEachChanged(desired.backends, actual.backends, [&](const auto& b) {
        ++report.writes;
        return tables_.backends.upsert(b.first, b.second);
    });
    if (!st) return st;
    st = forEachChanged(desired.revNat, actual.revNat, [&](const auto& t) {
        ++report.writes;
        return tables_.revNat.upsert(t.first, t.second);
    });
    if (!st) return st;
    st = forEachChanged(desired.sourceRanges, actual.sourceRanges, [&](const auto& r) {
        ++report.writes;
        return tables_.sourceRanges.insert(r.first, r.second);
    });
    if (!st) return st;

    // 2. Backend sets that differ, in one batch: one grace period for all.
    std::map<std::uint32_t, std::vector<datapath::BackendId>> changedSets;
    (void)forEachChanged(desired.backendSets, actual.backendSets, [&](const auto& s) -> Status {
        changedSets.insert(s);
        return {};
    });
    if (!changedSets.empty()) {
        if (st = tables_.services.replaceBackendSets(changedSets); !st) return st;
        report.writes += static_cast<int>(changedSets.size());
    }

    // 3. Frontends, each in one update.
    return forEachChanged(desired.frontends, actual.frontends, [&](const auto& f) {
        ++report.writes;
        return tables_.services.upsert(f.first, f.second);
    });
}

Status ServiceReconciler::remove(const ServiceMaps& desired, const ServiceMaps& actual, ServiceReconcileReport& report) {
    // 4. What is no longer wanted, frontends before the sets they name.
    auto st = forEachGone(desired.frontends, actual.frontends, [&](const auto& f) {
        ++report.removals;
        return tables_.services.erase(f.first);
    });
    if (!st) return st;
    st = forEachGone(desired.backendSets, actual.backendSets, [&](const auto& s) {
        ++report.removals;
        return tables_.services.eraseBackendSet(s.first);
    });
    if (!st) return st;
    st = forEachGone(desired.sourceRanges, actual.sourceRanges, [&](const auto& r) {
        ++report.removals;
        return tables_.sourceRanges.erase(r.first, r.second);
    });
    if (!st) return st;
    st = forEachGone(desired.revNat, actual.revNat, [&](const auto& t) {
        ++report.removals;
        return tables_.revNat.erase(t.first);
    });
    if (!st) return st;
    return forEachGone(desired.backends, actual.backends, [&](const auto& b) -> Status {
        if (auto erased = tables_.backends.erase(b.first); !erased) return erased;
        ++report.removals;
        // Flows pinned to a backend that is gone: cut them so the datapath
        // picks anew (UDP) or refuses (TCP) instead of sending into the void.
        auto cut = tables_.conntrack.eraseByBackend(b.first);
        if (cut) report.flowsCut += *cut;
        else spdlog::warn("Failed to drop conntrack entries of backend {}: {}, ignoring", b.first, cut.error().message);
        return {};
    });
}

}  // namespace nodeplane::daemon
