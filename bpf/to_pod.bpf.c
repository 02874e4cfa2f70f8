/* tc egress of a pod's host end: everything on its way into the pod, from
 * local pods (after from_pod's redirect) and from the node's stack. The
 * reply of a service backend elsewhere is rewritten back to the frontend;
 * then the pod's ingress policy decides, for every source alike. */
#include "lib/endpoints.h"
#include "lib/exit.h"
#include "lib/parse.h"
#include "lib/policy_flow.h"
#include "lib/services.h"

static __always_inline int np_to_pod_ipv4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_endpoint_value *dst;
	int err = np_services_to_pod_v4(skb, pkt);

	if (err < 0)
		return err;
	/* Most pods are not isolated: their packets skip the lookup. */
	if (!np_maybe_isolated_endpoint_v4(pkt->daddr))
		return NP_STAT_DELIVERED_TO_POD;
	dst = np_lookup_endpoint_v4(pkt->daddr);
	if (dst && (dst->flags & (NP_ENDPOINT_F_INGRESS_ISOLATED | NP_ENDPOINT_F_EGRESS_ISOLATED))) {
		err = np_policy_enforce_v4(skb, pkt, dst, NP_POLICY_INGRESS,
					   dst->flags & NP_ENDPOINT_F_INGRESS_ISOLATED);
		if (err < 0)
			return err;
	}
	return NP_STAT_DELIVERED_TO_POD;
}

SEC("tc")
int np_to_pod(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3 = np_parse(skb, &pkt);
	int verdict;

	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = np_to_pod_ipv4(skb, &pkt);
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_EGRESS, verdict);
}
