/* tc egress of a pod's host end: everything on its way into the pod, from
 * local pods (after from_pod's redirect) and from the node's stack. Counts
 * and passes for now; ingress policy and reverse NAT come here. */
#include "lib/exit.h"
#include "lib/parse.h"

SEC("tc")
int np_to_pod(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3 = np_parse(skb, &pkt);
	int verdict;

	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = NP_STAT_DELIVERED_TO_POD;
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_EGRESS, verdict);
}
