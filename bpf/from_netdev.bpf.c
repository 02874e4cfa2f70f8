/* tc ingress of an external interface: traffic arriving at the node. Counts
 * and hands to the stack for now; NodePort/LoadBalancer come here. */
#include "lib/exit.h"
#include "lib/parse.h"

SEC("tc")
int np_from_netdev(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3 = np_parse(skb, &pkt);
	int verdict;

	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = NP_STAT_TO_STACK;
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_INGRESS, verdict);
}
