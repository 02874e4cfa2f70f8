/* tc ingress of an external interface: traffic arriving at the node. A
 * client's packet for a NodePort, LoadBalancer or external IP is translated
 * to a backend and delivered to it (a pod here, or routed to another node);
 * the reply of a flow this node masqueraded is translated back and routed
 * to its client. Everything else goes to the node's stack. */
#include "lib/endpoints.h"
#include "lib/exit.h"
#include "lib/forward.h"
#include "lib/parse.h"
#include "lib/route.h"
#include "lib/services.h"

static __always_inline int np_from_netdev_ipv4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_endpoint_value *dst;
	int err;

	err = np_services_from_netdev_v4(skb, pkt);
	if (err != 0)
		return err; /* dropped, or answered with a RST or ICMP error */
	if (!(pkt->flags & NP_PKT_F_TRANSLATED))
		return NP_STAT_TO_STACK;
	dst = pkt->flags & NP_PKT_F_REMOTE_BACKEND ? NULL : np_lookup_endpoint_v4(pkt->daddr);
	if (dst)
		return np_forward_local_v4(skb, dst->ifindex);
	return np_forward_routed_v4(skb, pkt);
}

SEC("tc")
int np_from_netdev(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3 = np_parse(skb, &pkt);
	int verdict;

	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = np_from_netdev_ipv4(skb, &pkt);
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_INGRESS, verdict);
}
