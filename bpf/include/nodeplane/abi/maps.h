/* Names of the pinned maps: the contract between the programs, the daemon and
 * the files under <bpffs>/maps. A layout change gets a new name (_v2), never
 * an in-place change, because pinned maps outlive the daemon that made them.
 *
 * Reserved for later issues (names fixed here so nothing else takes them;
 * the services and conntrack maps below exist now, bpf/README.md):
 *   np_services_v2      (VIP, port, proto, scope) -> service, slots   daemon
 *   np_backend_slots_v2 slot -> backend id (array of set ranges)      daemon
 *   np_backends_v2      backend id % size -> id, address, port, flags daemon, array
 *   np_backend_spill_v1 backend id -> the same, when its index is taken daemon
 *   np_service_addrs_v1 hash bit of every frontend address            daemon, array
 *   np_backend_addrs_v1 hash bit of every backend address             daemon, array
 *   np_rev_nat_v1       rev-NAT id -> VIP, port                       daemon
 *   np_affinity_v1      (client, rev-NAT id) -> backend, last used    datapath, LRU
 *   np_source_ranges_v1 (rev-NAT id, prefix) -> allow                 daemon, LPM
 *   np_conntrack_v2     5-tuple + direction -> state, rev-NAT, ...    datapath, LRU
 *   np_ipcache_v1       prefix -> identity, node address, flags       daemon, LPM
 *   np_policy_v1        (endpoint, dir, identity, proto, port) -> .. daemon, LPM
 *   np_cluster_ip_ranges_v1 the service range ([services] cluster-ip-ranges) daemon, array of 1
 *   np_endpoint_addrs_v1 hash bit of every local endpoint address     daemon, array
 *   np_isolated_addrs_v1 hash bit of every policy-isolated one        daemon, array
 */
#ifndef NODEPLANE_ABI_MAPS_H
#define NODEPLANE_ABI_MAPS_H

#define NP_MAP_LOCAL_ENDPOINTS "np_local_endpoints_v1"
#define NP_MAP_IFACE_STATS "np_iface_stats_v1"
#define NP_MAP_STATS "np_stats_v1"
#define NP_MAP_DROPS "np_drops_v1"
#define NP_MAP_SERVICES "np_services_v2"
#define NP_MAP_BACKEND_SLOTS "np_backend_slots_v2"
#define NP_MAP_BACKENDS "np_backends_v2"
#define NP_MAP_BACKEND_SPILL "np_backend_spill_v1"
#define NP_MAP_SERVICE_ADDRS "np_service_addrs_v1"
#define NP_MAP_BACKEND_ADDRS "np_backend_addrs_v1"
#define NP_MAP_REV_NAT "np_rev_nat_v1"
#define NP_MAP_AFFINITY "np_affinity_v1"
#define NP_MAP_SOURCE_RANGES "np_source_ranges_v1"
#define NP_MAP_CONNTRACK "np_conntrack_v2"
#define NP_MAP_SOCK_REV "np_sock_rev_v1"
#define NP_MAP_SOCK_LB_CONFIG "np_sock_lb_config_v1"
#define NP_MAP_NAT_CONFIG "np_nat_config_v1"
#define NP_MAP_IPCACHE "np_ipcache_v1"
#define NP_MAP_POLICY "np_policy_v1"
#define NP_MAP_POLICY_CONFIG "np_policy_config_v1"
#define NP_MAP_CLUSTER_IP_RANGES "np_cluster_ip_ranges_v1"
#define NP_MAP_ENDPOINT_ADDRS "np_endpoint_addrs_v1"
#define NP_MAP_ISOLATED_ADDRS "np_isolated_addrs_v1"
/* Not pinned: each daemon load makes its own, so their size may change
 * without a migration (events.h). */
#define NP_MAP_EVENTS "np_events_v1"
#define NP_MAP_EVENTS_CONFIG "np_events_config_v1"

/* Defaults of the sizes the daemon sets from its configuration. */
#define NP_DEFAULT_MAX_LOCAL_ENDPOINTS 65536
#define NP_DEFAULT_MAX_INTERFACES 4096
#define NP_DEFAULT_MAX_SERVICES 100000    /* frontends; also rev-NAT entries */
#define NP_DEFAULT_MAX_BACKENDS 1048576   /* backends (array size, and the spill map's); also backend slots */
#define NP_DEFAULT_MAX_CONNTRACK 1048576  /* conntrack entries, both directions */
#define NP_DEFAULT_MAX_AFFINITY 65536     /* ClientIP affinity entries */
#define NP_DEFAULT_MAX_SOURCE_RANGES 16384 /* loadBalancerSourceRanges prefixes */
#define NP_DEFAULT_MAX_SOCK_REV 65536     /* translated (socket, backend) pairs of the node's own sockets */
#define NP_DEFAULT_MAX_IPCACHE 262144      /* pod and node addresses, ipBlock prefixes */
#define NP_DEFAULT_MAX_POLICY_ENTRIES 1048576 /* policy entries of all local pods */

#endif /* NODEPLANE_ABI_MAPS_H */
