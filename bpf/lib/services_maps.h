/* The service maps: frontends, slot ranges, backends, reverse NAT, affinity
 * and source ranges. __weak: see stats_maps.h. Daemon-written hashes are not
 * preallocated (BPF_F_NO_PREALLOC), so their memory follows the cluster's
 * size rather than the configured maximum. Slots and backends are arrays
 * (preallocated: 4 and 32 bytes an entry) because a lookup by index is one
 * memory access where a hash lookup is two dependent ones, and at a million
 * entries each is a cache and TLB miss (docs/figures.md). */
#ifndef NODEPLANE_LIB_SERVICES_MAPS_H
#define NODEPLANE_LIB_SERVICES_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/services.h"

/* (address, port, protocol, scope) -> service id, slot range, rev-NAT id, flags. Daemon, hash. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct np_service_key);
	__type(value, struct np_service_value);
	__uint(max_entries, NP_DEFAULT_MAX_SERVICES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_services_v2 SEC(".maps") __weak;

/* slot -> backend id; each set a range of it, named by its frontends. Daemon, array. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, NP_DEFAULT_MAX_BACKENDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backend_slots_v2 SEC(".maps") __weak;

/* backend id % max_entries -> id, address, port, protocol, flags. Daemon, array. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_backend);
	__uint(max_entries, NP_DEFAULT_MAX_BACKENDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backends_v2 SEC(".maps") __weak;

/* backend id -> the same, for an id whose array index another live id holds. Daemon, hash, nearly always empty. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct np_backend);
	__uint(max_entries, NP_DEFAULT_MAX_BACKENDS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backend_spill_v1 SEC(".maps") __weak;

/* word -> 64 bits, one per hash of a frontend address (any scope). Daemon, array of 128 KiB. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NP_ADDR_FILTER_WORDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_service_addrs_v1 SEC(".maps") __weak;

/* word -> 64 bits, one per hash of a backend address. Daemon, array of 128 KiB. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, NP_ADDR_FILTER_WORDS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_backend_addrs_v1 SEC(".maps") __weak;

/* max_entries of np_backends_v2, which the index of a backend id is taken
 * modulo; set with the map's size before load (Datapath::open). */
const volatile __u32 np_backends_entries __weak = NP_DEFAULT_MAX_BACKENDS;

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

/* NP_CLUSTER_IP_RANGES_KEY -> the service range's IPv4 prefixes. Daemon, array of one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_cluster_ip_ranges);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_cluster_ip_ranges_v1 SEC(".maps") __weak;

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
