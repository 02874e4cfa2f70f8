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

/* Endpoint flags. None are defined yet; the field is 0. Reserved for:
 * HOST (the node's own address), TERMINATING, POLICY_INGRESS/EGRESS enforced. */
enum np_endpoint_flags {
	NP_ENDPOINT_F_NONE = 0,
};

struct np_endpoint_value {
	__u32 ifindex;     /* host end of the pod's veth, in the node's netns */
	__u32 endpoint_id; /* the daemon's id for the pod, stable while it lives */
	__u32 identity;    /* security identity for policy; 0 until policy lands */
	__u32 flags;       /* enum np_endpoint_flags */
};

#endif /* NODEPLANE_ABI_ENDPOINTS_H */
