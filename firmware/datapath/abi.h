// The datapath's shared ABI (bpf/include/nodeplane/abi) as C++ sees it, with
// the layout pinned down: these structs are map keys and values that outlive
// the daemon, so a size or offset change must fail the build, not the node.
#pragma once

#include <cstddef>

#include "nodeplane/abi/common.h"
#include "nodeplane/abi/drop_reasons.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/stats.h"

namespace nodeplane::datapath::abi {

static_assert(sizeof(np_counter) == 16);
static_assert(offsetof(np_counter, packets) == 0);
static_assert(offsetof(np_counter, bytes) == 8);

static_assert(sizeof(np_iface_stats_key) == 8);
static_assert(offsetof(np_iface_stats_key, ifindex) == 0);
static_assert(offsetof(np_iface_stats_key, direction) == 4);

static_assert(sizeof(np_endpoint_key) == 20);
static_assert(offsetof(np_endpoint_key, family) == 0);
static_assert(offsetof(np_endpoint_key, addr) == 4);

static_assert(sizeof(np_endpoint_value) == 16);
static_assert(offsetof(np_endpoint_value, ifindex) == 0);
static_assert(offsetof(np_endpoint_value, endpoint_id) == 4);
static_assert(offsetof(np_endpoint_value, identity) == 8);
static_assert(offsetof(np_endpoint_value, flags) == 12);

// The numbers are part of the ABI too: pinned counters are indexed by them.
static_assert(NP_DROP_MALFORMED == 1 && NP_DROP_SPOOFED_SOURCE == 2 && NP_DROP_TTL_EXCEEDED == 3 &&
              NP_DROP_REDIRECT_FAILED == 4);
static_assert(NP_STAT_FORWARDED_LOCAL == 0 && NP_STAT_TO_STACK == 1 && NP_STAT_PASSED_NON_IP == 2 &&
              NP_STAT_PASSED_IPV6 == 3 && NP_STAT_DELIVERED_TO_POD == 4 && NP_STAT_TO_NETDEV == 5 &&
              NP_STAT_IFACE_STATS_FULL == 6);
static_assert(NP_DROP__COUNT <= NP_DROPS_MAX_ENTRIES);
static_assert(NP_STAT__COUNT <= NP_STATS_MAX_ENTRIES);
static_assert(NP_FAMILY_IPV4 == 4 && NP_FAMILY_IPV6 == 6);
static_assert(NP_DIR_INGRESS == 0 && NP_DIR_EGRESS == 1);

}  // namespace nodeplane::datapath::abi
