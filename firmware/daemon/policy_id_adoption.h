// A restarted daemon numbers identities as its predecessor did. The policy
// compiler hands pod identities out in model order, so a fresh allocator
// given a changed snapshot (a pod added before others) numbers pods anew;
// the reconciler writes policy entries before addresses, so for a moment a
// new entry "allow identity N" meets an address the maps still hold as the
// old N, another pod's: a denied pair is let through. Seeding the allocator
// from the ipcache keeps every pod's number, and skipping past every number
// the maps hold keeps a new pod or ipBlock class from reusing one.
#pragma once

#include <map>

#include "common/ip.h"
#include "compiler/desired_node.h"
#include "datapath/local_endpoints.h"
#include "policy/desired_policy.h"
#include "policy/policy_ids.h"
#include "state/model.h"

namespace nodeplane::daemon {

struct AdoptedIds {
    std::size_t pods = 0;     // identity keys seeded with their previous number
    std::size_t skipped = 0;  // pods whose previous number went to another key first
};

// `ipcache` as np_ipcache_v1 holds it. Call before the first compile of a
// process; a later call would only repeat what the allocator knows.
AdoptedIds adoptPolicyIds(const state::Model& model, const std::map<IpPrefix, policy::IpcacheEntry>& ipcache,
                          policy::PolicyIds& ids);

// Local endpoint ids have the same hazard: the node compiler numbers local
// pods in model order, and between the policy write (keyed by endpoint id)
// and the endpoint write one pod's entries would apply to another. Seeds
// `ids` from `endpoints` as np_local_endpoints_v1 holds them (by pod address)
// and skips past every id they hold. Returns the pods seeded. Marks `ids`
// adopted.
std::size_t adoptEndpointIds(const state::Model& model, const std::map<IpAddress, datapath::LocalEndpoint>& endpoints,
                             compiler::EndpointIdAllocator& ids);

// The daemon's call: before this process's first node compile, seeds `ids`
// from `table` (a read failure is logged and numbering starts anew);
// afterwards does nothing.
void adoptEndpointIdsOnce(const state::Model& model, const datapath::LocalEndpointTable& table,
                          compiler::EndpointIdAllocator& ids);

}  // namespace nodeplane::daemon
