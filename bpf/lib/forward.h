/* Local delivery: a packet for a pod on this node goes straight to that
 * pod's host end, routed like a router would (TTL decremented). */
#ifndef NODEPLANE_LIB_FORWARD_H
#define NODEPLANE_LIB_FORWARD_H

#include "lib/ipv4.h"

/* Redirects to the egress of `ifindex` with the kernel resolving the
 * destination MAC through its neighbour table, so the packet still passes
 * that interface's tc egress (to_pod), where ingress policy will sit. */
static __always_inline int np_forward_local_v4(struct __sk_buff *skb, __u32 ifindex)
{
	int err = np_ipv4_forward_ttl(skb);

	if (err < 0)
		return err;
	if (bpf_redirect_neigh(ifindex, NULL, 0, 0) != TC_ACT_REDIRECT)
		return NP_DROP(NP_DROP_REDIRECT_FAILED);
	return NP_STAT_FORWARDED_LOCAL;
}

#endif /* NODEPLANE_LIB_FORWARD_H */
