/* Source NAT: where masqueraded and hairpinned flows take their source from
 * (np_nat_config_v1, written by the daemon) and the port range the datapath
 * allocates from. The allocation itself lives in conntrack: a flow's REPLY
 * entry, created with BPF_NOEXIST, is what holds its port. */
#ifndef NODEPLANE_ABI_NAT_H
#define NODEPLANE_ABI_NAT_H

#include "nodeplane/abi/common.h"

/* The one entry (key 0) of np_nat_config_v1. */
struct np_nat_config {
	/* The node's address that masqueraded flows leave with and that a pod
	 * reaching itself through a service sees as its peer. 0 until the
	 * daemon knows it: flows that need it are dropped (SNAT_NO_PORT). */
	__be32 masquerade_v4;
	__u32 pad;
	__u8 masquerade_v6[16]; /* reserved for the IPv6 datapath; 0 */
};

/* Source ports for masqueraded flows, per (backend address, port, protocol).
 * Above Linux's default ephemeral range (32768-60999) and the NodePort range
 * (30000-32767), so the node's own connections and NodePorts do not collide
 * with them. */
#define NP_SNAT_PORT_MIN 61000
#define NP_SNAT_PORT_MAX 65535
/* Ports tried, from a hash of the client's tuple, before giving up. */
#define NP_SNAT_ATTEMPTS 32

#endif /* NODEPLANE_ABI_NAT_H */
