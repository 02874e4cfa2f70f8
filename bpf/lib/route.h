/* Routed delivery: a translated packet that must leave through whatever
 * interface the node's routing table picks (a backend on another node, a
 * reply to a client outside), without passing the stack's input checks,
 * which would refuse its node-address source as martian. */
#ifndef NODEPLANE_LIB_ROUTE_H
#define NODEPLANE_LIB_ROUTE_H

#include "lib/ipv4.h"

/* From <sys/socket.h>, which a BPF build lacks. */
#ifndef AF_INET
#define AF_INET 2
#endif

/* Looks the destination up as a router would for a packet received on the
 * skb's interface, then redirects it with the kernel resolving the next
 * hop's MAC (a missing neighbour entry is resolved, not a drop). A local
 * destination goes to the stack. */
static __always_inline int np_forward_routed_v4(struct __sk_buff *skb, const struct np_packet *pkt)
{
	struct bpf_fib_lookup fib = {};
	struct bpf_redir_neigh nh = {};
	struct iphdr *ip;
	long rc;
	int err;

	ip = np_ipv4_hdr(skb);
	if (!ip)
		return NP_DROP(NP_DROP_MALFORMED);
	fib.family = AF_INET;
	fib.l4_protocol = pkt->ip_proto;
	fib.tot_len = bpf_ntohs(ip->tot_len);
	fib.ipv4_src = pkt->saddr;
	fib.ipv4_dst = pkt->daddr;
	fib.ifindex = skb->ifindex;

	rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NOT_FWDED)
		return NP_STAT_TO_STACK; /* for the node itself */
	if (rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH)
		return NP_DROP(NP_DROP_NO_ROUTE);

	err = np_ipv4_forward_ttl(skb);
	if (err < 0)
		return err;
	/* The lookup left the next hop (gateway, or the destination itself on
	 * a connected network) in ipv4_dst and the output device in ifindex. */
	nh.nh_family = AF_INET;
	nh.ipv4_nh = fib.ipv4_dst;
	if (bpf_redirect_neigh(fib.ifindex, &nh, sizeof(nh), 0) != TC_ACT_REDIRECT)
		return NP_DROP(NP_DROP_REDIRECT_FAILED);
	return NP_STAT_FORWARDED_ROUTED;
}

#endif /* NODEPLANE_LIB_ROUTE_H */
