/* Address and port rewrites for service translation: the destination (DNAT
 * to a backend, a masqueraded reply back to its client) and the source
 * (reverse NAT to the frontend, masquerade to the node), each with the IPv4 header and the TCP/UDP
 * checksums updated incrementally by the kernel helpers. */
#ifndef NODEPLANE_LIB_NAT_H
#define NODEPLANE_LIB_NAT_H

#include "lib/l4.h"

/* UDP over IPv4 may carry no checksum (0); BPF_F_MARK_MANGLED_0 leaves it 0
 * and turns a computed 0 into 0xffff, as RFC 768 asks. */
static __always_inline __u64 np_l4_csum_flags(const struct np_packet *pkt)
{
	return pkt->ip_proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
}

/* Rewrites the address at `addr_off` and the port at `port_off` (L4 header
 * relative) from old to new. */
static __always_inline int np_rewrite_v4(struct __sk_buff *skb, const struct np_packet *pkt, __u32 addr_off,
					 __be32 old_addr, __be32 new_addr, __u32 port_off, __be16 old_port,
					 __be16 new_port)
{
	__u32 csum_off = np_l4_csum_off(pkt);
	__u64 l4_flags = np_l4_csum_flags(pkt);

	if (old_addr != new_addr) {
		/* The address is in the TCP/UDP pseudo-header too. */
		if (bpf_l4_csum_replace(skb, csum_off, old_addr, new_addr, l4_flags | BPF_F_PSEUDO_HDR | 4) < 0)
			return NP_DROP(NP_DROP_MALFORMED);
		if (bpf_l3_csum_replace(skb, NP_L3_OFF + offsetof(struct iphdr, check), old_addr, new_addr, 4) < 0)
			return NP_DROP(NP_DROP_MALFORMED);
		if (bpf_skb_store_bytes(skb, NP_L3_OFF + addr_off, &new_addr, 4, 0) < 0)
			return NP_DROP(NP_DROP_MALFORMED);
	}
	if (old_port != new_port) {
		if (bpf_l4_csum_replace(skb, csum_off, old_port, new_port, l4_flags | 2) < 0)
			return NP_DROP(NP_DROP_MALFORMED);
		if (bpf_skb_store_bytes(skb, pkt->l4_off + port_off, &new_port, 2, 0) < 0)
			return NP_DROP(NP_DROP_MALFORMED);
	}
	return 0;
}

/* The destination becomes addr:port: client -> frontend becomes client ->
 * backend (DNAT), or a masqueraded reply finds its client again. */
static __always_inline int np_set_destination_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
				      __be32 addr, __be16 port)
{
	int err = np_rewrite_v4(skb, pkt, offsetof(struct iphdr, daddr), pkt->daddr, addr,
				offsetof(struct udphdr, dest), l4->dport, port);

	if (err < 0)
		return err;
	pkt->daddr = addr;
	l4->dport = port;
	return 0;
}

/* The source becomes addr:port: backend -> client becomes frontend ->
 * client (reverse NAT), or a client is masqueraded to the node. */
static __always_inline int np_set_source_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
					  __be32 addr, __be16 port)
{
	int err = np_rewrite_v4(skb, pkt, offsetof(struct iphdr, saddr), pkt->saddr, addr,
				offsetof(struct udphdr, source), l4->sport, port);

	if (err < 0)
		return err;
	pkt->saddr = addr;
	l4->sport = port;
	return 0;
}

#endif /* NODEPLANE_LIB_NAT_H */
