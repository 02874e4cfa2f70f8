/* Packet parsing: validates the Ethernet and IPv4 headers once at entry and
 * records where they are, so later helpers re-derive pointers from offsets
 * instead of trusting stale ones. */
#ifndef NODEPLANE_LIB_PARSE_H
#define NODEPLANE_LIB_PARSE_H

#include "lib/common.h"

/* What np_parse() found at L3. */
enum np_l3 {
	NP_L3_OTHER = 0, /* ARP and any other non-IP ethertype */
	NP_L3_IPV4 = 1,
	NP_L3_IPV6 = 2,
};

/* What happened to a packet before its delivery is chosen. */
enum np_packet_flags {
	/* Service translation rewrote the packet's addresses. */
	NP_PKT_F_TRANSLATED = 1 << 0,
	/* The packet now carries a source the node's stack would refuse as
	 * martian on input (a node or load-balancer address: the reply of an
	 * external flow, or a masqueraded request), so it must be routed by
	 * the datapath (FIB lookup and redirect), never handed to the stack. */
	NP_PKT_F_MUST_ROUTE = 1 << 1,
	/* Translated to a backend that is not a pod on this node
	 * (NP_BACKEND_F_LOCAL unset): no local endpoint to look up. */
	NP_PKT_F_REMOTE_BACKEND = 1 << 2,
	/* A service backend's reply, recognised by its REPLY entry and
	 * reverse-translated: policy lets it through as part of its flow. */
	NP_PKT_F_REPLY = 1 << 3,
};

struct np_packet {
	__u32 len;      /* skb->len at entry, for byte counters */
	__u32 l3;       /* enum np_l3 */
	__u32 l4_off;   /* offset of the L4 header (IPv4: after options) */
	__u8 ip_proto;  /* IPv4 protocol */
	__u8 ttl;
	__u8 flags;     /* enum np_packet_flags, set by the helpers on the way */
	__u8 pad;
	__be32 saddr;   /* IPv4 addresses, network order */
	__be32 daddr;
};

/* The IPv4 header is always right after an untagged Ethernet header here:
 * VLAN tags on pod and node interfaces are offloaded or not ours. */
#define NP_L3_OFF ((__u32)sizeof(struct ethhdr))

/* Makes the first `need` bytes directly readable. Headers of a GSO or
 * fragmented skb may sit outside the linear area, which is not a reason to
 * drop; a packet shorter than `need` is. */
static __always_inline int np_pull(struct __sk_buff *skb, __u32 need)
{
	if ((void *)(long)skb->data + need <= (void *)(long)skb->data_end)
		return 0;
	if (need > skb->len || bpf_skb_pull_data(skb, need) < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	return 0;
}

/* The IPv4 header, or NULL if it is not in the linear area (callers run
 * after np_parse_ipv4(), which made it so; the check is for the verifier). */
static __always_inline struct iphdr *np_ipv4_hdr(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + NP_L3_OFF;

	if ((void *)(ip + 1) > data_end)
		return NULL;
	return ip;
}

static __always_inline int np_parse_ipv4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct iphdr *ip;
	__u32 hdr_len, tot_len;
	int err;

	err = np_pull(skb, NP_L3_OFF + sizeof(struct iphdr));
	if (err < 0)
		return err;
	ip = np_ipv4_hdr(skb);
	if (!ip)
		return NP_DROP(NP_DROP_MALFORMED);
	if (ip->version != 4 || ip->ihl < 5)
		return NP_DROP(NP_DROP_MALFORMED);

	hdr_len = (__u32)ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	/* BIG TCP (Linux 6.3+) sends GSO packets above 64 KiB with a total
	 * length of 0; the real length is the skb's. */
	if (tot_len == 0 && skb->gso_size)
		tot_len = skb->len - NP_L3_OFF;
	/* Trailing bytes beyond tot_len are Ethernet padding and fine; a
	 * total length beyond the frame means the packet was cut. */
	if (tot_len < hdr_len || NP_L3_OFF + tot_len > skb->len)
		return NP_DROP(NP_DROP_MALFORMED);

	pkt->l4_off = NP_L3_OFF + hdr_len;
	pkt->ip_proto = ip->protocol;
	pkt->ttl = ip->ttl;
	pkt->saddr = ip->saddr;
	pkt->daddr = ip->daddr;
	return NP_L3_IPV4;
}

/* Classifies the packet and validates what later helpers will read.
 * Returns an enum np_l3 or a negated drop reason. */
static __always_inline int np_parse(struct __sk_buff *skb, struct np_packet *pkt)
{
	void *data, *data_end;
	struct ethhdr *eth;
	int err;

	pkt->len = skb->len;
	err = np_pull(skb, sizeof(struct ethhdr));
	if (err < 0)
		return err;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return NP_DROP(NP_DROP_MALFORMED);

	if (eth->h_proto == bpf_htons(ETH_P_IP))
		pkt->l3 = NP_L3_IPV4;
	else if (eth->h_proto == bpf_htons(ETH_P_IPV6))
		pkt->l3 = NP_L3_IPV6;
	else
		pkt->l3 = NP_L3_OTHER;

	if (pkt->l3 == NP_L3_IPV4)
		return np_parse_ipv4(skb, pkt);
	return pkt->l3;
}

/* The verdict for traffic a program does not handle yet: counted, passed. */
static __always_inline int np_pass_unhandled(const struct np_packet *pkt)
{
	return pkt->l3 == NP_L3_IPV6 ? NP_STAT_PASSED_IPV6 : NP_STAT_PASSED_NON_IP;
}

#endif /* NODEPLANE_LIB_PARSE_H */
