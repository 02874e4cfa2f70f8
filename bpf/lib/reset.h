/* TCP RST on behalf of a frontend: a segment of a connection whose backend
 * is gone, or for a frontend left without backends, is answered the way a
 * host without that connection answers (RFC 9293 3.10.7.1), from the
 * frontend's address, back out of the interface it came in on. The client
 * sees its connection reset instead of retransmitting into nothing. */
#ifndef NODEPLANE_LIB_RESET_H
#define NODEPLANE_LIB_RESET_H

#include "lib/reject.h"

struct np_tcp_pseudo_hdr {
	__be32 saddr;
	__be32 daddr;
	__u8 zero;
	__u8 protocol;
	__be16 length;
};

struct np_tcp_rst {
	struct iphdr ip;
	struct tcphdr tcp;
};

#define NP_RST_FRAME_LEN ((__u32)(sizeof(struct ethhdr) + sizeof(struct np_tcp_rst)))

/* Rewrites the frame into the RST and redirects it. `drop_reason` is what
 * the packet is counted as when no RST can be sent: a RST is never answered
 * (no RST storms), and a header with IP options is not handled. Returns
 * NP_STAT_SERVICE_RESET or a negated drop reason. */
static __always_inline int np_tcp_reset_v4(struct __sk_buff *skb, const struct np_packet *pkt,
					   const struct np_l4 *l4, int drop_reason)
{
	struct np_tcp_pseudo_hdr pseudo = {};
	struct ethhdr eth, orig_eth;
	struct np_tcp_rst r = {};
	struct tcphdr in;
	__u32 seg_len;
	__u16 tot_len;
	__s64 csum;

	if (pkt->ip_proto != IPPROTO_TCP || (l4->tcp_flags & NP_TCP_RST))
		return NP_DROP(drop_reason);
	if (pkt->l4_off != NP_L3_OFF + sizeof(struct iphdr))
		return NP_DROP(drop_reason);
	if (bpf_skb_load_bytes(skb, 0, &orig_eth, sizeof(orig_eth)) < 0 ||
	    bpf_skb_load_bytes(skb, pkt->l4_off, &in, sizeof(in)) < 0 ||
	    bpf_skb_load_bytes(skb, NP_L3_OFF + offsetof(struct iphdr, tot_len), &tot_len, sizeof(tot_len)) < 0)
		return NP_DROP(drop_reason);

	__builtin_memcpy(eth.h_dest, orig_eth.h_source, ETH_ALEN);
	__builtin_memcpy(eth.h_source, orig_eth.h_dest, ETH_ALEN);
	eth.h_proto = bpf_htons(ETH_P_IP);

	r.tcp.source = l4->dport;
	r.tcp.dest = l4->sport;
	r.tcp.doff = sizeof(struct tcphdr) / 4;
	r.tcp.rst = 1;
	if (in.ack) {
		/* <SEQ=SEG.ACK><CTL=RST> */
		r.tcp.seq = in.ack_seq;
	} else {
		/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; SYN and FIN count. */
		seg_len = bpf_ntohs(tot_len) - sizeof(struct iphdr) - (__u32)in.doff * 4;
		seg_len += in.syn + in.fin;
		r.tcp.ack_seq = bpf_htonl(bpf_ntohl(in.seq) + seg_len);
		r.tcp.ack = 1;
	}

	pseudo.saddr = pkt->daddr; /* the frontend, as the client addressed it */
	pseudo.daddr = pkt->saddr;
	pseudo.protocol = IPPROTO_TCP;
	pseudo.length = bpf_htons(sizeof(struct tcphdr));
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&pseudo, sizeof(pseudo), 0);
	if (csum < 0)
		return NP_DROP(drop_reason);
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&r.tcp, sizeof(r.tcp), (__wsum)csum);
	if (csum < 0)
		return NP_DROP(drop_reason);
	r.tcp.check = np_csum_fold(csum);

	r.ip.version = 4;
	r.ip.ihl = 5;
	r.ip.tot_len = bpf_htons(sizeof(r));
	r.ip.ttl = 64;
	r.ip.protocol = IPPROTO_TCP;
	r.ip.saddr = pkt->daddr;
	r.ip.daddr = pkt->saddr;
	csum = bpf_csum_diff(NULL, 0, (__be32 *)&r.ip, sizeof(r.ip), 0);
	if (csum < 0)
		return NP_DROP(drop_reason);
	r.ip.check = np_csum_fold(csum);

	if (bpf_skb_change_tail(skb, NP_RST_FRAME_LEN, 0) < 0)
		return NP_DROP(drop_reason);
	if (bpf_skb_store_bytes(skb, 0, &eth, sizeof(eth), 0) < 0 ||
	    bpf_skb_store_bytes(skb, NP_L3_OFF, &r, sizeof(r), BPF_F_INVALIDATE_HASH) < 0)
		return NP_DROP(drop_reason);
	if (bpf_redirect(skb->ifindex, 0) != TC_ACT_REDIRECT)
		return NP_DROP(NP_DROP_REDIRECT_FAILED);
	return NP_STAT_SERVICE_RESET;
}

#endif /* NODEPLANE_LIB_RESET_H */
