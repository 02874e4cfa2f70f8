/* What a pod sends, once parsed as IPv4: anti-spoofing, service
 * translation (or the drop of an unallocated service address), the pod's
 * egress policy, then delivery (a local pod directly, a reply to an outside
 * client routed by the datapath, the rest to the stack). The body of
 * np_from_pod, in a header so the benchmarks run this very code. */
#ifndef NODEPLANE_LIB_FROM_POD_H
#define NODEPLANE_LIB_FROM_POD_H

#include "lib/endpoints.h"
#include "lib/forward.h"
#include "lib/parse.h"
#include "lib/policy_flow.h"
#include "lib/route.h"
#include "lib/services.h"

static __always_inline int np_from_pod_ipv4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_endpoint_value *src, *dst;
	int err;

	err = np_check_source_v4(skb->ifindex, pkt->saddr, &src);
	if (err < 0)
		return err;
	err = np_services_from_pod_v4(skb, pkt);
	if (err != 0)
		return err; /* dropped, or rejected back to the pod */
	/* Egress policy sees the backend a service sent the flow to. */
	if (src->flags & (NP_ENDPOINT_F_EGRESS_ISOLATED | NP_ENDPOINT_F_INGRESS_ISOLATED)) {
		err = np_policy_enforce_v4(skb, pkt, src, NP_POLICY_EGRESS,
					   src->flags & NP_ENDPOINT_F_EGRESS_ISOLATED);
		if (err < 0)
			return err;
	}
	/* Only a local endpoint's address can find an entry: a remote
	 * backend, the node, another node's pod skip the lookup (a miss in a
	 * large table costs a cache miss). */
	dst = NULL;
	if (!(pkt->flags & NP_PKT_F_REMOTE_BACKEND) && np_maybe_local_endpoint_v4(pkt->daddr))
		dst = np_lookup_endpoint_v4(pkt->daddr);
	if (dst)
		return np_forward_local_v4(skb, dst->ifindex);
	if (pkt->flags & NP_PKT_F_MUST_ROUTE)
		return np_forward_routed_v4(skb, pkt);
	return NP_STAT_TO_STACK; /* the node itself or another node */
}

#endif /* NODEPLANE_LIB_FROM_POD_H */
