/* The maps of socket-level service translation: the per-socket reverse map
 * and the daemon's configuration. __weak: see stats_maps.h. */
#ifndef NODEPLANE_LIB_SOCK_LB_MAPS_H
#define NODEPLANE_LIB_SOCK_LB_MAPS_H

#include "lib/common.h"
#include "nodeplane/abi/maps.h"
#include "nodeplane/abi/services.h"
#include "nodeplane/abi/sock_lb.h"

/* (socket cookie, backend address, port) -> frontend address, port. Datapath, LRU hash shared by all CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct np_sock_rev_key);
	__type(value, struct np_rev_nat);
	__uint(max_entries, NP_DEFAULT_MAX_SOCK_REV);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_sock_rev_v1 SEC(".maps") __weak;

/* NP_SOCK_LB_CONFIG_KEY -> the node's netns cookie. Daemon, one-entry array. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_sock_lb_config);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} np_sock_lb_config_v1 SEC(".maps") __weak;

#endif /* NODEPLANE_LIB_SOCK_LB_MAPS_H */
