/* The counter maps. All are per-CPU, so the datapath increments without
 * atomics and the daemon sums the CPUs' copies when it reads.
 *
 * Maps are __weak because every entry file includes this header and the BPF
 * static linker (bpftool gen object) keeps one of the identical copies. */
#ifndef NODEPLANE_LIB_STATS_MAPS_H
#define NODEPLANE_LIB_STATS_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"

/* (ifindex, direction) -> packets, bytes. Datapath-written, per-CPU hash;
 * entries are created on an interface's first packet. max_entries is
 * 2 * maxInterfaces, set by the daemon at load. The daemon deletes an
 * interface's entries when the interface goes away. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, struct np_iface_stats_key);
	__type(value, struct np_counter);
	__uint(max_entries, 2 * NP_DEFAULT_MAX_INTERFACES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_iface_stats_v1 SEC(".maps") __weak;

/* enum np_stat -> packets, bytes. Datapath-written, per-CPU array. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct np_counter);
	__uint(max_entries, NP_STATS_MAX_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_stats_v1 SEC(".maps") __weak;

/* enum np_drop_reason -> packets, bytes. Datapath-written, per-CPU array. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct np_counter);
	__uint(max_entries, NP_DROPS_MAX_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_drops_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_STATS_MAPS_H */
