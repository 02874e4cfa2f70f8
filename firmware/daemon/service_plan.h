// Turns the compiled services into the exact contents of the service maps:
// frontends with their flags, one backend set per service id, backends,
// reverse-NAT targets and source ranges. Pure apart from the id allocators it
// is handed, so the reconciler only diffs plain values.
//
// Scope today: internal frontends (traffic from pods, translated in
// from_pod) for ClusterIPs, externalIPs, LoadBalancer IPs and NodePorts on
// this node's addresses. External frontends follow with from_netdev.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/services.h"
#include "daemon/id_allocator.h"
#include "datapath/service_types.h"
#include "datapath/source_ranges.h"

namespace nodeplane::daemon {

// A backend set: one service port (and family) with the Cluster or Local
// endpoint list.
using BackendSetKey = std::tuple<std::string, std::string, IpFamily, state::Protocol, compiler::BackendSet>;
using FrontendIdKey = std::tuple<IpAddress, std::uint16_t, state::Protocol>;

struct ServiceIds {
    IdAllocator<BackendSetKey> services{0x7fffffff};
    IdAllocator<FrontendIdKey> revNat{0x7fffffff};
    IdAllocator<datapath::Backend> backends{datapath::kMaxBackendId};
};

struct ServiceMaps {
    std::map<datapath::FrontendKey, datapath::FrontendValue> frontends;
    std::map<std::uint32_t, std::vector<datapath::BackendId>> backendSets;  // by service id
    std::map<datapath::BackendId, datapath::Backend> backends;
    std::map<std::uint32_t, datapath::RevNatTarget> revNat;
    std::set<datapath::SourceRange> sourceRanges;

    bool operator==(const ServiceMaps&) const = default;
};

ServiceMaps planServiceMaps(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                            ServiceIds& ids);

}  // namespace nodeplane::daemon
