/* tc ingress of a pod's host end: everything the pod sends. IPv4 must come
 * from the pod's own address; a service frontend's packet is translated to a
 * backend and a local backend's reply back to the frontend; then IPv4 for
 * another local pod is delivered directly, the reply to a client outside the
 * node is routed by the datapath, the rest goes to the node's stack. */
#include "lib/exit.h"
#include "lib/from_pod.h"
#include "lib/parse.h"

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
