// Applies ServiceMaps to the datapath's service tables, writing only what
// differs from what the maps hold. Order keeps every packet on a whole state:
// backends and reverse-NAT targets first, then backend sets (each flips
// atomically), then frontends, and only then what is no longer wanted; a
// removed backend's conntrack entries go with it so no flow is pinned to it.
//
// What the maps hold is known from memory: the last ServiceMaps applied
// whole. The kernel is read back only when that is unknown (before the first
// apply, when a previous daemon's maps are adopted, and after a failed apply
// left them somewhere in between): at 100,000 backends a read-back is
// hundreds of thousands of bpf() calls, far more than one change writes.
#pragma once

#include <optional>

#include "daemon/service_plan.h"
#include "datapath/backends.h"
#include "datapath/conntrack.h"
#include "datapath/services.h"
#include "datapath/source_ranges.h"

namespace nodeplane::daemon {

struct ServiceTables {
    datapath::ServiceTable& services;
    datapath::BackendTable& backends;
    datapath::RevNatTable& revNat;
    datapath::SourceRangeTable& sourceRanges;
    datapath::ConntrackTable& conntrack;
};

struct ServiceReconcileReport {
    int writes = 0;    // map entries created or changed, sets flipped
    int removals = 0;  // map entries removed
    std::size_t flowsCut = 0;  // conntrack entries of removed backends
    bool readBack = false;     // the maps were read back from the kernel first
};

class ServiceReconciler {
public:
    explicit ServiceReconciler(ServiceTables tables) : tables_(tables) {}

    // Reads back what a previous daemon left: its backend and reverse-NAT
    // ids (live conntrack entries name them) and the set each frontend
    // points at, so the first plan can keep those too. Remembers the read as
    // what the maps hold.
    Status adopt(ServiceIds& ids);

    // Makes the maps hold `desired`. On success it is remembered as what the
    // maps hold; on failure the next apply reads the kernel back first.
    Result<ServiceReconcileReport> apply(ServiceMaps desired);

    // Makes maps that hold applied() hold applied() changed by `delta`
    // (planServiceChanges() against applied()), in the same order as
    // apply(): new backends, reverse-NAT targets and ranges, then sets, then
    // frontends, then removals. Writes and reads nothing else: a change of a
    // few services costs their entries. Fails, touching nothing, when what
    // the maps hold is unknown.
    Result<ServiceReconcileReport> applyChanges(const ServiceMapsDelta& delta);

    // What the maps hold as far as this reconciler knows (nullopt: unknown
    // until the next apply reads it back).
    const std::optional<ServiceMaps>& applied() const { return applied_; }

private:
    Result<ServiceMaps> readBack() const;
    Status write(const ServiceMaps& desired, const ServiceMaps& actual, ServiceReconcileReport& report);
    Status remove(const ServiceMaps& desired, const ServiceMaps& actual, ServiceReconcileReport& report);

    ServiceTables tables_;
    std::optional<ServiceMaps> applied_;
};

}  // namespace nodeplane::daemon
