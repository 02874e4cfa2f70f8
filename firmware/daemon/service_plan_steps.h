// The steps a whole plan (service_plan.cpp) and a plan of the changed
// services only (service_plan_changes.cpp) share, so both give a frontend,
// a backend set and a backend the same entry and the same id.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "daemon/service_plan.h"

namespace nodeplane::daemon::plan_steps {

datapath::L4Protocol l4(state::Protocol p);

// The set every other port of the ClusterIPs shares.
extern const BackendSetKey kUnservedSetKey;
// Its frontends: port 0, TCP and UDP, on each ClusterIP.
std::vector<datapath::FrontendKey> unservedFrontends(const std::vector<IpAddress>& clusterIPs);

// One rule of one frontend in one scope: the map keys it fills and the
// backend set they point at.
struct Rule {
    const compiler::Frontend* frontend;
    const compiler::ServicePortBackends* port;
    const compiler::TrafficRule* rule;
    BackendSetKey setKey;
    std::vector<datapath::FrontendKey> keys;
};

// Each rule of `f` (internal scope; external scope too unless a ClusterIP).
std::vector<Rule> rulesOf(const compiler::Frontend& f, const compiler::ServicePortBackends& port,
                          const std::vector<IpAddress>& nodeAddresses);

// The backends a rule's set lists: none unless it forwards.
const std::vector<compiler::ServiceBackend>& backendList(const Rule& r);
bool sameBackends(const std::vector<datapath::Backend>& planned, const std::vector<compiler::ServiceBackend>& list);

// Backend ids whose backend changed in a plan: the backend now, or nullopt
// when no set lists it any more.
using BackendChanges = std::map<datapath::BackendId, std::optional<datapath::Backend>>;

// Gives `set` the backends of `list`: ids for the new ones (a backend two
// sets list has one id); old ones no set lists any more go to
// ServiceIds::unlisted. The backends of `list` are noted in `changes` when
// given.
void replanSet(PlannedSet& set, const std::vector<compiler::ServiceBackend>& list, ServiceIds& ids,
               BackendChanges* changes = nullptr);

// The end of every plan: releases the ids of unlisted backends no set took
// back meanwhile, noting them gone in `changes` when given.
void releaseUnlisted(ServiceIds& ids, BackendChanges* changes = nullptr);

// The key of a port's held (terminating) backends in ServiceIds::held.
BackendSetKey heldKey(const compiler::ServicePortBackends& port);

// Plans `port`'s held backends (once per plan) and notes them in `owner`;
// false when it holds none or was planned already.
bool planHeld(const compiler::ServicePortBackends& port, std::uint64_t plan, ServiceIds& ids, PlannedService& owner,
              BackendChanges* changes = nullptr);

datapath::FrontendValue frontendValue(const Rule& r, std::uint32_t serviceId, std::uint32_t revNatId);

// Notes `x` in `list` unless it is already the last or in it (lists are short).
template <typename T>
void noteOnce(std::vector<T>& list, const T& x) {
    for (const auto& y : list)
        if (y == x) return;
    list.push_back(x);
}

}  // namespace nodeplane::daemon::plan_steps
