/* ICMP errors about translated flows (RFC 5508 4, as NAT devices do): a
 * backend's port unreachable, or a router's time exceeded or fragmentation
 * needed on the way back to the client, quotes the packet as the backend
 * received it. The client's stack matches the error to its socket by that
 * quote, so the quote is rewritten to what the client sent (the frontend,
 * and its own address if masqueraded), and so is the outer header. */
#ifndef NODEPLANE_LIB_ICMP_NAT_H
#define NODEPLANE_LIB_ICMP_NAT_H

#include "lib/conntrack.h"
#include "lib/reject.h"
#include "lib/services_maps.h"

#define NP_ICMP_TIME_EXCEEDED 11
#define NP_ICMP_PARAMETER_PROBLEM 12

/* The quoted packet's IPv4 header (no options) and L4 ports. 24 bytes, a
 * multiple of 4 as bpf_csum_diff() wants. */
struct np_icmp_quote {
	struct iphdr ip;
	__be16 sport;
	__be16 dport;
};

static __always_inline int np_icmp_is_error(__u8 type)
{
	return type == NP_ICMP_DEST_UNREACH || type == NP_ICMP_TIME_EXCEEDED || type == NP_ICMP_PARAMETER_PROBLEM;
}

/* Rewrites one outer IPv4 address; ICMP has no pseudo-header, so only the
 * IPv4 checksum changes. */
static __always_inline int np_icmp_outer_addr_v4(struct __sk_buff *skb, __u32 off, __be32 old_addr, __be32 new_addr)
{
	if (old_addr == new_addr)
		return 0;
	if (bpf_l3_csum_replace(skb, NP_L3_OFF + offsetof(struct iphdr, check), old_addr, new_addr, 4) < 0 ||
	    bpf_skb_store_bytes(skb, NP_L3_OFF + off, &new_addr, 4, 0) < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	return 0;
}

/* An ICMP error whose quote is a translated flow's packet towards its
 * backend gets the client's view back. `only_snat`: as for replies. Returns
 * 0 (deliver as it now is) or a negated drop reason; anything that is not
 * such an error passes untouched. */
static __always_inline int np_icmp_error_reverse_v4(struct __sk_buff *skb, struct np_packet *pkt, int only_snat)
{
	const __u32 quote_off = pkt->l4_off + sizeof(struct np_icmp_hdr);
	struct np_icmp_quote old_q, new_q;
	struct np_icmp_hdr icmp;
	struct np_rev_nat *rev;
	struct np_ct_value *ct;
	struct np_ct_key key;
	__be32 client_addr, frontend_addr, new_saddr;
	__be16 frag_off;
	__s64 diff;
	int err;

	/* A later fragment holds no ICMP header. */
	if (bpf_skb_load_bytes(skb, NP_L3_OFF + offsetof(struct iphdr, frag_off), &frag_off, sizeof(frag_off)) < 0 ||
	    (bpf_ntohs(frag_off) & NP_IP_OFFSET))
		return 0;
	if (bpf_skb_load_bytes(skb, pkt->l4_off, &icmp, sizeof(icmp)) < 0 || !np_icmp_is_error(icmp.type))
		return 0;
	if (bpf_skb_load_bytes(skb, quote_off, &old_q, sizeof(old_q)) < 0)
		return 0; /* quote too short to name a flow */
	if (old_q.ip.version != 4 || old_q.ip.ihl != 5 ||
	    (old_q.ip.protocol != IPPROTO_TCP && old_q.ip.protocol != IPPROTO_UDP))
		return 0;

	/* The quote is client (or masquerade address) -> backend: the flow's
	 * reply tuple is its mirror. */
	np_ct_key_v4(&key, old_q.ip.protocol, NP_CT_REPLY, old_q.ip.daddr, old_q.dport, old_q.ip.saddr, old_q.sport);
	ct = bpf_map_lookup_elem(&np_conntrack_v2, &key);
	if (!ct || (only_snat && !(ct->flags & NP_CT_F_SNAT)))
		return 0;
	rev = bpf_map_lookup_elem(&np_rev_nat_v1, &ct->rev_nat_id);
	if (!rev || rev->family != NP_FAMILY_IPV4)
		return 0;
	__builtin_memcpy(&frontend_addr, rev->addr, 4);

	new_q = old_q;
	new_q.ip.daddr = frontend_addr;
	new_q.dport = rev->port;
	client_addr = pkt->daddr;
	if (ct->flags & NP_CT_F_SNAT) {
		__builtin_memcpy(&client_addr, ct->nat_addr, 4);
		new_q.ip.saddr = client_addr;
		new_q.sport = ct->nat_port;
	}
	new_q.ip.check = 0;
	diff = bpf_csum_diff(NULL, 0, (__be32 *)&new_q.ip, sizeof(new_q.ip), 0);
	if (diff < 0)
		return NP_DROP(NP_DROP_MALFORMED);
	new_q.ip.check = np_csum_fold(diff);

	/* The ICMP checksum covers the quote: move it by the quote's change. */
	diff = bpf_csum_diff((__be32 *)&old_q, sizeof(old_q), (__be32 *)&new_q, sizeof(new_q), 0);
	if (diff < 0 || bpf_skb_store_bytes(skb, quote_off, &new_q, sizeof(new_q), 0) < 0 ||
	    bpf_l4_csum_replace(skb, pkt->l4_off + offsetof(struct np_icmp_hdr, checksum), 0, (__u32)diff, 0) < 0)
		return NP_DROP(NP_DROP_MALFORMED);

	/* The error comes from the backend itself (port unreachable), which
	 * the client only knows as the frontend; a router on the way keeps its
	 * own address. */
	new_saddr = pkt->saddr == old_q.ip.daddr ? frontend_addr : pkt->saddr;
	err = np_icmp_outer_addr_v4(skb, offsetof(struct iphdr, saddr), pkt->saddr, new_saddr);
	if (err < 0)
		return err;
	err = np_icmp_outer_addr_v4(skb, offsetof(struct iphdr, daddr), pkt->daddr, client_addr);
	if (err < 0)
		return err;
	pkt->saddr = new_saddr;
	pkt->daddr = client_addr;
	pkt->flags |= NP_PKT_F_TRANSLATED;
	if (ct->flags & NP_CT_F_EXTERNAL)
		pkt->flags |= NP_PKT_F_MUST_ROUTE;
	np_count_stat(NP_STAT_REVERSE_TRANSLATED, pkt->len);
	return 0;
}

#endif /* NODEPLANE_LIB_ICMP_NAT_H */
