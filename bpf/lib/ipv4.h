/* IPv4 header rewrites done while forwarding: TTL decrement with an
 * incremental checksum update (RFC 1624). */
#ifndef NODEPLANE_LIB_IPV4_H
#define NODEPLANE_LIB_IPV4_H

#include "lib/parse.h"

/* Updates a ones'-complement checksum for one 16-bit word changing from
 * `from` to `to`: HC' = ~(~HC + ~m + m'). All values in network order. */
static __always_inline __u16 np_csum_replace16(__u16 check, __u16 from, __u16 to)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~from;
	sum += to;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* Decrements the TTL as a router does before forwarding. A packet arriving
 * with TTL <= 1 would leave with 0 and is dropped (RFC 1812 5.3.1). */
static __always_inline int np_ipv4_forward_ttl(struct __sk_buff *skb)
{
	struct iphdr *ip = np_ipv4_hdr(skb);
	__u16 old_word, new_word;

	if (!ip)
		return NP_DROP(NP_DROP_MALFORMED);
	if (ip->ttl <= 1)
		return NP_DROP(NP_DROP_TTL_EXCEEDED);

	/* TTL shares a 16-bit checksum word with the protocol byte. */
	old_word = *(__u16 *)&ip->ttl;
	ip->ttl--;
	new_word = *(__u16 *)&ip->ttl;
	ip->check = np_csum_replace16(ip->check, old_word, new_word);
	return 0;
}

#endif /* NODEPLANE_LIB_IPV4_H */
