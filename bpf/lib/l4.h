/* L4 for service translation: the ports and TCP flags of an IPv4 packet,
 * read with bpf_skb_load_bytes() so IP options and non-linear data need no
 * pointer juggling. */
#ifndef NODEPLANE_LIB_L4_H
#define NODEPLANE_LIB_L4_H

#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include "lib/parse.h"

/* IPv4 "more fragments" flag and offset mask of frag_off (host order). */
#define NP_IP_MF 0x2000
#define NP_IP_OFFSET 0x1fff

/* TCP flag bits of the flags byte (offset 13 of the TCP header). */
#define NP_TCP_FIN 0x01
#define NP_TCP_SYN 0x02
#define NP_TCP_RST 0x04
#define NP_TCP_ACK 0x10

struct np_l4 {
	__be16 sport;
	__be16 dport;
	__u8 tcp_flags;  /* TCP only: the flags byte (FIN 0x01 .. ACK 0x10) */
	__u8 has_ports;  /* TCP, UDP or SCTP, not a later fragment */
	__u16 pad;
};

/* Offset of the L4 checksum field, for TCP and UDP. */
static __always_inline __u32 np_l4_csum_off(const struct np_packet *pkt)
{
	return pkt->l4_off + (pkt->ip_proto == IPPROTO_TCP ? offsetof(struct tcphdr, check)
							   : offsetof(struct udphdr, check));
}

/* The largest L4 offset: Ethernet, then IPv4 with 40 bytes of options. */
#define NP_L4_OFF_MAX (NP_L3_OFF + 60)
/* Bytes of the L4 header read here: ports, and TCP's flags at offset 13. */
#define NP_L4_READ 14

/* Fills `l4` for TCP, UDP and SCTP. Other protocols (ICMP included) and non-first
 * fragments have no ports: has_ports stays 0 and they pass untranslated.
 * A TCP/UDP header cut short is malformed. Read straight from the linear
 * area when it holds them (nearly always), else with bpf_skb_load_bytes(). */
static __always_inline int np_parse_l4(struct __sk_buff *skb, const struct np_packet *pkt, struct np_l4 *l4)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + NP_L3_OFF;
	__u32 off = pkt->l4_off;
	__u8 *l4h;
	__be16 frag_off;
	__be16 ports[2];

	/* SCTP has its ports where TCP and UDP do; it is parsed only so that a
	 * frontend for it is recognised and refused (UNSUPPORTED_L4). */
	if (pkt->ip_proto != IPPROTO_TCP && pkt->ip_proto != IPPROTO_UDP && pkt->ip_proto != IPPROTO_SCTP)
		return 0;
	if (off <= NP_L4_OFF_MAX && data + off + NP_L4_READ <= data_end && (void *)(ip + 1) <= data_end) {
		if (bpf_ntohs(ip->frag_off) & NP_IP_OFFSET)
			return 0;
		l4h = data + off;
		__builtin_memcpy(&l4->sport, l4h, sizeof(l4->sport));
		__builtin_memcpy(&l4->dport, l4h + 2, sizeof(l4->dport));
		if (pkt->ip_proto == IPPROTO_TCP)
			l4->tcp_flags = l4h[13];
		l4->has_ports = 1;
		return 0;
	}
	if (bpf_skb_load_bytes(skb, NP_L3_OFF + offsetof(struct iphdr, frag_off), &frag_off, sizeof(frag_off)) < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	if (bpf_ntohs(frag_off) & NP_IP_OFFSET)
		return 0;
	if (bpf_skb_load_bytes(skb, pkt->l4_off, ports, sizeof(ports)) < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	l4->sport = ports[0];
	l4->dport = ports[1];
	if (pkt->ip_proto == IPPROTO_TCP &&
	    bpf_skb_load_bytes(skb, pkt->l4_off + 13, &l4->tcp_flags, 1) < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	l4->has_ports = 1;
	return 0;
}

#endif /* NODEPLANE_LIB_L4_H */
