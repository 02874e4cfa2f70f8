/* The service maps: frontends, slot ranges, backends, reverse NAT, affinity
 * and source ranges. __weak: see stats_maps.h. Daemon-written maps are not
 * preallocated (BPF_F_NO_PREALLOC), so their memory follows the cluster's
 * size rather than the configured maximum. */
#ifndef NODEPLANE_LIB_SERVICES_MAPS_H
#define NODEPLANE_LIB_SERVICES_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/services.h"

/* (address, port, protocol, scope) -> service id, slot half and count, rev-NAT id, flags. Daemon, hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct np_service_key);
	__type(value, struct np_service_value);
	__uint(max_entries, NP_DEFAULT_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_services_v1 SEC(".maps") __weak;

/* (service id, index, half) -> backend id. Daemon, hash; two halves per service for atomic set changes. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct np_backend_slot_key);
	__type(value, __u32);
	__uint(max_entries, NP_DEFAULT_MAX_BACKENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backend_slots_v1 SEC(".maps") __weak;

/* backend id -> address, port, protocol, flags. Daemon, hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct np_backend);
	__uint(max_entries, NP_DEFAULT_MAX_BACKENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backends_v1 SEC(".maps") __weak;

/* rev-NAT id -> frontend address, port (what replies are rewritten to). Daemon, hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct np_rev_nat);
	__uint(max_entries, NP_DEFAULT_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_rev_nat_v1 SEC(".maps") __weak;

/* (client address, rev-NAT id) -> backend id, last use. Datapath, LRU hash shared by all CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct np_affinity_key);
	__type(value, struct np_affinity_value);
	__uint(max_entries, NP_DEFAULT_MAX_AFFINITY);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_affinity_v1 SEC(".maps") __weak;

/* (rev-NAT id, client prefix) -> allowed (1). Daemon, LPM trie (never preallocated). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct np_source_range_key);
	__type(value, __u32);
	__uint(max_entries, NP_DEFAULT_MAX_SOURCE_RANGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_source_ranges_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_SERVICES_MAPS_H */
