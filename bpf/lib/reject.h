/* REJECT for a frontend without backends (kube-proxy's "has no endpoints"
 * rule): the client's packet is turned into the ICMP port unreachable the
 * frontend would have sent (RFC 792, RFC 1812 4.3.2.3) and sent straight
 * back out of the interface it came in on, towards the client. */
#ifndef NODEPLANE_LIB_REJECT_H
#define NODEPLANE_LIB_REJECT_H

#include "lib/l4.h"

/* From RFC 792; <linux/icmp.h> drags in libc headers a BPF build lacks. */
#define NP_ICMP_DEST_UNREACH 3
#define NP_ICMP_PORT_UNREACH 3

struct np_icmp_hdr {
	__u8 type;
	__u8 code;
	__sum16 checksum;
	__be32 unused; /* 0 for port unreachable */
};

/* What follows the Ethernet header of the reply: the new IPv4 header, the
 * ICMP header and the quote of the offending packet (its IPv4 header and
 * first 8 L4 bytes). 56 bytes, a multiple of 4 as bpf_csum_diff() wants. */
struct np_icmp_unreach {
	struct iphdr ip;
	struct np_icmp_hdr icmp;
	__u8 quote[sizeof(struct iphdr) + 8];
};

#define NP_REJECT_FRAME_LEN ((__u32)(sizeof(struct ethhdr) + sizeof(struct np_icmp_unreach)))

static __always_inline __u16 np_csum_fold(__s64 csum)
{
	__u32 sum = (__u32)csum;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Rewrites the whole frame into the reply. Only option-less IPv4 headers
 * are quoted whole; a packet with options is dropped (NO_BACKEND) instead.
 * Returns NP_STAT_SERVICE_REJECTED (redirected) or a negated drop reason. */
static __always_inline int np_reject_v4(struct __sk_buff *skb, const struct np_packet *pkt)
{
	struct np_icmp_unreach r = {};
	struct ethhdr eth, orig_eth;
	__s64 csum;

	if (pkt->l4_off != NP_L3_OFF + sizeof(struct iphdr))
		return NP_DROP(NP_DROP_NO_BACKEND);
	if (bpf_skb_load_bytes(skb, 0, &orig_eth, sizeof(orig_eth)) < 0 ||
	    bpf_skb_load_bytes(skb, NP_L3_OFF, r.quote, sizeof(r.quote)) < 0)
		return NP_DROP(NP_DROP_NO_BACKEND);

	/* Back to where it came from: the MACs swap. */
	__builtin_memcpy(eth.h_dest, orig_eth.h_source, ETH_ALEN);
	__builtin_memcpy(eth.h_source, orig_eth.h_dest, ETH_ALEN);
	eth.h_proto = bpf_htons(ETH_P_IP);

	r.ip.version = 4;
	r.ip.ihl = 5;
	r.ip.tot_len = bpf_htons(sizeof(r));
	r.ip.ttl = 64;
	r.ip.protocol = IPPROTO_ICMP;
	r.ip.saddr = pkt->daddr; /* the frontend answers */
	r.ip.daddr = pkt->saddr;
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&r.ip, sizeof(r.ip), 0);
	if (csum < 0)
		return NP_DROP(NP_DROP_NO_BACKEND);
	r.ip.check = np_csum_fold(csum);

	r.icmp.type = NP_ICMP_DEST_UNREACH;
	r.icmp.code = NP_ICMP_PORT_UNREACH;
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&r.icmp, sizeof(r.icmp) + sizeof(r.quote), 0);
	if (csum < 0)
		return NP_DROP(NP_DROP_NO_BACKEND);
	r.icmp.checksum = np_csum_fold(csum);

	if (bpf_skb_change_tail(skb, NP_REJECT_FRAME_LEN, 0) < 0)
		return NP_DROP(NP_DROP_NO_BACKEND);
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) < 0 ||
	    bpf_skb_store_bytes(skb, NP_L3_OFF, &r, sizeof(r), BPF_F_INVALIDATE_HASH) < 0)
		return NP_DROP(NP_DROP_NO_BACKEND);
	/* Egress of the same host end: into the client pod, through to_pod. */
	if (bpf_redirect(skb->ifindex, 0) != TC_ACT_REDIRECT)
		return NP_DROP(NP_DROP_REDIRECT_FAILED);
	return NP_STAT_SERVICE_REJECTED;
}

#endif /* NODEPLANE_LIB_REJECT_H */
