/* The conntrack map. __weak: see stats_maps.h. */
#ifndef NODEPLANE_LIB_CONNTRACK_MAPS_H
#define NODEPLANE_LIB_CONNTRACK_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/conntrack.h"
#include "nodeplane/abi/maps.h"

/* (5-tuple, direction) -> timestamps, rev-NAT id, backend id, TCP flags. Datapath, LRU hash shared by all CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct np_ct_key);
	__type(value, struct np_ct_value);
	__uint(max_entries, NP_DEFAULT_MAX_CONNTRACK);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_conntrack_v2 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_CONNTRACK_MAPS_H */
