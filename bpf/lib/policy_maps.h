/* The policy maps: the ipcache (address -> identity) and the per-endpoint
 * policy entries. Both LPM tries, daemon-written (LPM tries are never
 * preallocated). __weak: see stats_maps.h. */
#ifndef NODEPLANE_LIB_POLICY_MAPS_H
#define NODEPLANE_LIB_POLICY_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/policy.h"

/* (family, address prefix) -> identity, ipBlock class. Daemon, LPM trie. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct np_ipcache_key);
	__type(value, struct np_ipcache_value);
	__uint(max_entries, NP_DEFAULT_MAX_IPCACHE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_ipcache_v1 SEC(".maps") __weak;

/* (endpoint, remote identity, direction, protocol, port prefix) -> policy id. Daemon, LPM trie. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct np_policy_key);
	__type(value, struct np_policy_value);
	__uint(max_entries, NP_DEFAULT_MAX_POLICY_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_policy_v1 SEC(".maps") __weak;

/* 0 -> the policy revision. Daemon, array of one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_policy_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_policy_config_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_POLICY_MAPS_H */
