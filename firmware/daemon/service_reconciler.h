// Applies ServiceMaps to the datapath's service tables, writing only what
// differs from what the maps hold. Order keeps every packet on a whole state:
// backends and reverse-NAT targets first, then backend sets (each flips
// atomically), then frontends, and only then what is no longer wanted; a
// removed backend's conntrack entries go with it so no flow is pinned to it.
#pragma once

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
};

class ServiceReconciler {
public:
    explicit ServiceReconciler(ServiceTables tables) : tables_(tables) {}

    // Reads back the ids a previous daemon allocated, so a restart keeps
    // backend and reverse-NAT ids that live conntrack entries name.
    Status adopt(ServiceIds& ids);

    Result<ServiceReconcileReport> apply(const ServiceMaps& desired);

private:
    ServiceTables tables_;
};

}  // namespace nodeplane::daemon
