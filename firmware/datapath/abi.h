// The datapath's shared ABI (bpf/include/nodeplane/abi) as C++ sees it, with
// the layout pinned down: these structs are map keys and values that outlive
// the daemon, so a size or offset change must fail the build, not the node.
#pragma once

#include <cstddef>

#include "nodeplane/abi/common.h"
#include "nodeplane/abi/conntrack.h"
#include "nodeplane/abi/nat.h"
#include "nodeplane/abi/drop_reasons.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/events.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/services.h"
#include "nodeplane/abi/sock_lb.h"
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

static_assert(sizeof(np_service_key) == 24);
static_assert(offsetof(np_service_key, protocol) == 1 && offsetof(np_service_key, scope) == 2);
static_assert(offsetof(np_service_key, port) == 4 && offsetof(np_service_key, addr) == 8);

static_assert(sizeof(np_service_value) == 24);
static_assert(offsetof(np_service_value, service_id) == 0 && offsetof(np_service_value, backend_count) == 4);
static_assert(offsetof(np_service_value, rev_nat_id) == 8 && offsetof(np_service_value, affinity_timeout_s) == 12);
static_assert(offsetof(np_service_value, flags) == 16 && offsetof(np_service_value, active_half) == 18);
static_assert(offsetof(np_service_value, slot_base) == 20);

static_assert(sizeof(np_backend) == 28);
static_assert(offsetof(np_backend, id) == 0 && offsetof(np_backend, family) == 4);
static_assert(offsetof(np_backend, flags) == 6 && offsetof(np_backend, port) == 8 && offsetof(np_backend, addr) == 12);

static_assert(sizeof(np_rev_nat) == 20);
static_assert(offsetof(np_rev_nat, port) == 2 && offsetof(np_rev_nat, addr) == 4);

static_assert(sizeof(np_affinity_key) == 24);
static_assert(offsetof(np_affinity_key, rev_nat_id) == 4 && offsetof(np_affinity_key, addr) == 8);
static_assert(sizeof(np_affinity_value) == 16 && offsetof(np_affinity_value, last_used_ns) == 8);

static_assert(sizeof(np_source_range_key) == 28);
static_assert(offsetof(np_source_range_key, rev_nat_id) == 4 && offsetof(np_source_range_key, family) == 8);
static_assert(offsetof(np_source_range_key, addr) == 12);
static_assert(NP_SOURCE_RANGE_FIXED_BITS == 8 * offsetof(np_source_range_key, addr) - 32);

static_assert(sizeof(np_ct_key) == 40);
static_assert(offsetof(np_ct_key, direction) == 2 && offsetof(np_ct_key, sport) == 4);
static_assert(offsetof(np_ct_key, dport) == 6 && offsetof(np_ct_key, saddr) == 8 && offsetof(np_ct_key, daddr) == 24);

static_assert(sizeof(np_ct_value) == 48);
static_assert(offsetof(np_ct_value, last_seen_ns) == 8 && offsetof(np_ct_value, rev_nat_id) == 16);
static_assert(offsetof(np_ct_value, backend_id) == 20 && offsetof(np_ct_value, tcp_flags) == 24);
static_assert(offsetof(np_ct_value, flags) == 25 && offsetof(np_ct_value, nat_port) == 26);
static_assert(offsetof(np_ct_value, nat_addr) == 28);
static_assert(sizeof(np_nat_config) == 24 && offsetof(np_nat_config, masquerade_v6) == 8);

static_assert(sizeof(np_ipv4_prefix) == 8 && offsetof(np_ipv4_prefix, mask) == 4);
static_assert(sizeof(np_cluster_ip_ranges) == 8 + 8 * NP_MAX_CLUSTER_IP_RANGES);
static_assert(offsetof(np_cluster_ip_ranges, v4) == 8 && NP_MAX_CLUSTER_IP_RANGES == 16);

static_assert(sizeof(np_sock_rev_key) == 32);
static_assert(offsetof(np_sock_rev_key, family) == 8 && offsetof(np_sock_rev_key, port) == 10);
static_assert(offsetof(np_sock_rev_key, addr) == 16);
static_assert(sizeof(np_sock_lb_config) == 8 && offsetof(np_sock_lb_config, node_netns_cookie) == 0);

// One ring buffer record (bpf/include/nodeplane/abi/events.h): the reader
// decodes it field by field, so every offset is part of the contract.
static_assert(sizeof(np_event) == 112);
static_assert(offsetof(np_event, type) == 8 && offsetof(np_event, family) == 9 && offsetof(np_event, protocol) == 10);
static_assert(offsetof(np_event, direction) == 11 && offsetof(np_event, allowed) == 12);
static_assert(offsetof(np_event, reason) == 14 && offsetof(np_event, ifindex) == 16);
static_assert(offsetof(np_event, endpoint_id) == 20 && offsetof(np_event, policy_id) == 24);
static_assert(offsetof(np_event, remote_identity) == 28 && offsetof(np_event, rev_nat_id) == 32);
static_assert(offsetof(np_event, len) == 36 && offsetof(np_event, saddr) == 40 && offsetof(np_event, daddr) == 56);
static_assert(offsetof(np_event, orig_daddr) == 72 && offsetof(np_event, sport) == 88 && offsetof(np_event, dport) == 90);
static_assert(offsetof(np_event, orig_dport) == 92 && offsetof(np_event, packets) == 96 && offsetof(np_event, bytes) == 104);
static_assert(sizeof(np_events_config) == 8 && offsetof(np_events_config, mask) == 0);
static_assert(NP_EVENT_POLICY_VERDICT == 1 && NP_EVENT_DROP == 2 && NP_EVENT_SERVICE_TRANSLATION == 3 &&
              NP_EVENT_FLOW_OPEN == 4 && NP_EVENT_FLOW_CLOSE == 5);
static_assert(NP_EVENTS_F_POLICY == 1 && NP_EVENTS_F_DROP == 2 && NP_EVENTS_F_SERVICE == 4 && NP_EVENTS_F_FLOW == 8);

// The numbers are part of the ABI too: pinned counters are indexed by them.
static_assert(NP_DROP_MALFORMED == 1 && NP_DROP_SPOOFED_SOURCE == 2 && NP_DROP_TTL_EXCEEDED == 3 &&
              NP_DROP_REDIRECT_FAILED == 4 && NP_DROP_NO_BACKEND == 5 && NP_DROP_SOURCE_RANGE_DENIED == 6 &&
              NP_DROP_CT_MAP_FULL == 7 && NP_DROP_UNSUPPORTED_L4 == 8 && NP_DROP_BACKEND_GONE == 9);
static_assert(NP_DROP_SNAT_NO_PORT == 10 && NP_DROP_NO_ROUTE == 11 && NP_DROP_POLICY_DENIED == 12 &&
              NP_DROP_UNALLOCATED_CLUSTER_IP == 13);
static_assert(NP_STAT_FORWARDED_LOCAL == 0 && NP_STAT_TO_STACK == 1 && NP_STAT_PASSED_NON_IP == 2 &&
              NP_STAT_PASSED_IPV6 == 3 && NP_STAT_DELIVERED_TO_POD == 4 && NP_STAT_TO_NETDEV == 5 &&
              NP_STAT_IFACE_STATS_FULL == 6 && NP_STAT_SERVICE_TRANSLATED == 7 && NP_STAT_REVERSE_TRANSLATED == 8 &&
              NP_STAT_CT_CREATED == 9 && NP_STAT_CT_RESELECTED == 10 && NP_STAT_SERVICE_REJECTED == 11);
static_assert(NP_STAT_FORWARDED_ROUTED == 12 && NP_STAT_SERVICE_RESET == 13 && NP_STAT_SNAT_CREATED == 14);
static_assert(NP_STAT_POLICY_ALLOWED == 15 && NP_STAT_EVENTS_LOST == 16);
static_assert(NP_SCOPE_INTERNAL == 0 && NP_SCOPE_EXTERNAL == 1 && NP_CT_ORIGINAL == 0 && NP_CT_REPLY == 1);
static_assert(NP_DROP__COUNT <= NP_DROPS_MAX_ENTRIES);
static_assert(NP_STAT__COUNT <= NP_STATS_MAX_ENTRIES);
static_assert(NP_FAMILY_IPV4 == 4 && NP_FAMILY_IPV6 == 6);
static_assert(NP_DIR_INGRESS == 0 && NP_DIR_EGRESS == 1);

}  // namespace nodeplane::datapath::abi
