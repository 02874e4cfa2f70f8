/* Local endpoints: the pod addresses on this node and the host-end
 * interface each one lives behind (np_local_endpoints_v1). The daemon writes
 * them; from_pod reads them for anti-spoofing and local delivery. */
#ifndef NODEPLANE_ABI_ENDPOINTS_H
#define NODEPLANE_ABI_ENDPOINTS_H

#include "nodeplane/abi/common.h"

/* An address of either family. IPv4 uses the first 4 bytes of addr in
 * network order; every other byte, pad included, must be 0 or the lookup
 * misses. */
struct np_endpoint_key {
	__u8 family; /* enum np_family */
	__u8 pad[3];
	__u8 addr[16];
};

/* Endpoint flags. */
enum np_endpoint_flags {
	NP_ENDPOINT_F_NONE = 0,
	/* A NetworkPolicy with policyTypes Ingress selects the pod: to_pod
	 * admits only new flows np_policy_v1 allows (and their replies). */
	NP_ENDPOINT_F_INGRESS_ISOLATED = 1 << 0,
	/* Likewise for Egress, enforced by from_pod. */
	NP_ENDPOINT_F_EGRESS_ISOLATED = 1 << 1,
};

struct np_endpoint_value {
	__u32 ifindex;     /* host end of the pod's veth, in the node's netns */
	__u32 endpoint_id; /* the daemon's id for the pod, stable while it lives */
	__u32 identity;    /* the pod's policy identity (abi/policy.h) */
	__u32 flags;       /* enum np_endpoint_flags */
};

/* Address filters over the endpoints (NP_ADDR_FILTER_WORDS, common.h),
 * kept by the daemon's endpoint table with every write:
 * np_endpoint_addrs_v1 has the bit of every local endpoint's IPv4 address
 * (from_pod skips the destination lookup for the rest: pods talking to the
 * node or to other nodes), np_isolated_addrs_v1 that of every endpoint with
 * an isolation flag (to_pod skips the lookup for the rest). */

#endif /* NODEPLANE_ABI_ENDPOINTS_H */
