/* The local endpoint map. __weak: see stats_maps.h. */
#ifndef NODEPLANE_LIB_ENDPOINTS_MAPS_H
#define NODEPLANE_LIB_ENDPOINTS_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/maps.h"

/* Pod address (either family) -> host-end ifindex, endpoint id, identity,
 * flags. Daemon-written, shared by all CPUs (hash, preallocated).
 * max_entries is maxLocalEndpoints, set by the daemon at load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct np_endpoint_key);
	__type(value, struct np_endpoint_value);
	__uint(max_entries, NP_DEFAULT_MAX_LOCAL_ENDPOINTS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_local_endpoints_v1 SEC(".maps") __weak;

/* word -> 64 bits, one per hash of a local endpoint's IPv4 address. Daemon, array of 128 KiB. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NP_ADDR_FILTER_WORDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_endpoint_addrs_v1 SEC(".maps") __weak;

/* word -> 64 bits, one per hash of a policy-isolated endpoint's IPv4 address. Daemon, array of 128 KiB. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NP_ADDR_FILTER_WORDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_isolated_addrs_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_ENDPOINTS_MAPS_H */
