/* tc ingress of a pod's host end: everything the pod sends. IPv4 must come
 * from the pod's own address; a service frontend's packet is translated to a
 * backend and a local backend's reply back to the frontend; then IPv4 for
 * another local pod is delivered directly, the reply to a client outside the
 * node is routed by the datapath, the rest goes to the node's stack. */
#include "lib/endpoints.h"
#include "lib/exit.h"
#include "lib/forward.h"
#include "lib/parse.h"
#include "lib/route.h"
#include "lib/services.h"

static __always_inline int np_from_pod_ipv4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_endpoint_value *dst;
	int err;

	err = np_check_source_v4(skb->ifindex, pkt->saddr);
	if (err < 0)
		return err;
	err = np_services_from_pod_v4(skb, pkt);
	if (err != 0)
		return err; /* dropped, or rejected back to the pod */
	dst = np_lookup_endpoint_v4(pkt->daddr);
	if (dst)
		return np_forward_local_v4(skb, dst->ifindex);
	if (pkt->flags & NP_PKT_F_MUST_ROUTE)
		return np_forward_routed_v4(skb, pkt);
	return NP_STAT_TO_STACK; /* the node itself or another node */
}

SEC("tc")
int np_from_pod(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3 = np_parse(skb, &pkt);
	int verdict;

	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = np_from_pod_ipv4(skb, &pkt);
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_INGRESS, verdict);
}

/* One license for the whole linked object; the kernel reads it to decide
 * which helpers the programs may call. */
char LICENSE[] SEC("license") = "Dual BSD/GPL";
