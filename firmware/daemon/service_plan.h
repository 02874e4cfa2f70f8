// Turns the compiled services into the exact contents of the service maps:
// frontends with their flags, one backend set per service id, backends,
// reverse-NAT targets and source ranges. Pure apart from the id allocators it
// is handed, so the reconciler only diffs plain values.
//
// Every frontend gets an internal entry (traffic from pods, translated in
// from_pod) with the rule for pods; NodePorts (on this node's addresses),
// externalIPs and LoadBalancer IPs also get an external one (traffic from
// outside, translated in from_netdev) with the rule for external clients.
// Each ClusterIP also gets TCP and UDP frontends on port 0, which the
// datapath looks up when no frontend serves the packet's port: they refuse
// it, as kube-proxy does for a ClusterIP's unknown ports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "compiler/services.h"
#include "common/id_allocator.h"
#include "datapath/service_types.h"
#include "datapath/source_ranges.h"

namespace nodeplane::daemon {

// A backend set: one service port (and family) with the Cluster or Local
// endpoint list.
using BackendSetKey = std::tuple<std::string, std::string, IpFamily, state::Protocol, compiler::BackendSet>;
using FrontendIdKey = std::tuple<IpAddress, std::uint16_t, state::Protocol>;

// A backend set as the last plan made it: the backends it lists and their
// ids. A set whose list is unchanged reuses them without looking each
// backend's id up again (100,000 lookups and liveness checks per plan were
// most of a reload at scale).
struct PlannedSet {
    std::vector<datapath::Backend> backends;
    std::vector<datapath::BackendId> ids;
    std::uint64_t plan = 0;  // the plan that last used it
};

// One service's part of the last plan: the entries it owns, so a plan of
// the changed services only can take back exactly theirs.
struct PlannedService {
    std::vector<datapath::FrontendKey> frontends;
    std::vector<FrontendIdKey> revNat;
    std::vector<BackendSetKey> sets;
    std::vector<datapath::SourceRange> sourceRanges;
    std::vector<BackendSetKey> held;  // its ports' terminating backends (ServiceIds::held)
};

struct ServiceIds {
    IdAllocator<BackendSetKey> services{0x7fffffff};
    IdAllocator<FrontendIdKey> revNat{0x7fffffff};
    // A backend keeps its id while any planned set lists it, whatever its
    // flags do meanwhile (keyed by backendIdKey(): a Ready endpoint turning
    // terminating is the same backend, its flows must keep their id).
    IdAllocator<datapath::Backend> backends{datapath::kMaxBackendId};
    std::map<datapath::Backend, std::uint32_t> backendUsers;  // planned sets listing each backend
    // Backends whose last user let go during the plan under way: released
    // at its end unless another set took them meanwhile, so a backend moving
    // between sets (into `held` as it turns terminating) keeps its id.
    std::vector<datapath::Backend> unlisted;
    std::map<BackendSetKey, PlannedSet> sets;
    // Per service port (set key with BackendSet::Cluster), its serving
    // terminating backends no set lists (EndpointCategories::terminating):
    // in the backend map, in no backend set, so established flows keep
    // translating while no new connection picks them.
    std::map<BackendSetKey, PlannedSet> held;
    std::uint64_t plans = 0;
    // The set each frontend pointed at when a restarted daemon adopted the
    // maps. The first plan gives a backend set the id its frontends already
    // use (so a restart re-points nothing), then forgets these.
    std::map<datapath::FrontendKey, std::uint32_t> adoptedSets;
    // By service ("namespace/name"), as the last plan left them.
    std::map<std::string, PlannedService> byService;
    std::vector<IpAddress> clusterIPs;  // of the last plan: their port 0 frontends
    // The last whole plan had two rules on one frontend key (a NodePort on
    // an address another frontend also uses) or the compiler dropped a
    // frontend two services claim: which one wins is a whole-state
    // question, so only a whole plan may follow.
    bool contested = false;
};

// What a backend's id is keyed by: the backend without its terminating flag.
datapath::Backend backendIdKey(datapath::Backend backend);

struct ServiceMaps {
    std::map<datapath::FrontendKey, datapath::FrontendValue> frontends;
    std::map<std::uint32_t, std::vector<datapath::BackendId>> backendSets;  // by service id
    std::map<datapath::BackendId, datapath::Backend> backends;
    std::map<std::uint32_t, datapath::RevNatTarget> revNat;
    std::set<datapath::SourceRange> sourceRanges;

    bool operator==(const ServiceMaps&) const = default;
};

// The whole plan. `sharedFrontends`: the compiler dropped a frontend two
// services claim (ServicesResult::warnings).
ServiceMaps planServiceMaps(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                            ServiceIds& ids, bool sharedFrontends = false);

// What a plan of some services changes in maps that hold `current`: entries
// to write (new or different) and keys to remove.
struct ServiceMapsDelta {
    ServiceMaps write;
    std::set<datapath::FrontendKey> frontendsGone;
    std::set<std::uint32_t> backendSetsGone;
    std::set<datapath::BackendId> backendsGone;
    std::set<std::uint32_t> revNatGone;
    std::set<datapath::SourceRange> sourceRangesGone;

    bool empty() const;
};

// The plan of `changed` services ("namespace/name": recompiled, added or
// gone) only, as the difference from `current`, the maps the last plan
// filled: applying it to `current` gives what planServiceMaps() with the
// same ids would. Costs what those services own, plus a light pass over
// `desired`. nullopt (and `ids` untouched) when only a whole plan can tell:
// no plan yet, adopted ids still to take, frontends two services or rules
// claim, the first or the last ClusterIP.
std::optional<ServiceMapsDelta> planServiceChanges(const compiler::DesiredServices& desired,
                                                   const std::vector<IpAddress>& nodeAddresses,
                                                   const std::set<std::string>& changed, const ServiceMaps& current,
                                                   ServiceIds& ids, bool sharedFrontends = false);

}  // namespace nodeplane::daemon
