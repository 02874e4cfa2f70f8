// The policy part of the shared ABI (nodeplane/abi/policy.h) with its layout
// pinned: these are keys and values of pinned maps that outlive the daemon.
#pragma once

#include <cstddef>

#include "nodeplane/abi/policy.h"

namespace nodeplane::datapath::abi {

static_assert(sizeof(np_ipcache_key) == 24);
static_assert(offsetof(np_ipcache_key, family) == 4 && offsetof(np_ipcache_key, addr) == 8);
static_assert(sizeof(np_ipcache_value) == 8);

static_assert(sizeof(np_policy_key) == 16);
static_assert(offsetof(np_policy_key, endpoint_id) == 4);
static_assert(offsetof(np_policy_key, remote_identity) == 8);
static_assert(offsetof(np_policy_key, direction) == 12 && offsetof(np_policy_key, protocol) == 13);
static_assert(offsetof(np_policy_key, port) == 14);
static_assert(sizeof(np_policy_value) == 8);
// The prefix bits before protocol and port: endpoint, identity, direction.
static_assert(NP_POLICY_FIXED_BITS == 8 * (offsetof(np_policy_key, protocol) - offsetof(np_policy_key, endpoint_id)));
static_assert(NP_POLICY_FULL_BITS == 8 * (sizeof(np_policy_key) - offsetof(np_policy_key, endpoint_id)));

}  // namespace nodeplane::datapath::abi
