/* The source-NAT configuration map. __weak: see stats_maps.h. */
#ifndef NODEPLANE_LIB_NAT_MAPS_H
#define NODEPLANE_LIB_NAT_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/nat.h"

/* 0 -> the node's masquerade address. Daemon, array of one. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_nat_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_nat_config_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_NAT_MAPS_H */
