/* Conntrack for translated flows: keys built from the packet, creation of
 * both directions' entries on a flow's first packet, refresh on later ones.
 * Ageing and flushing are the daemon's (ConntrackTable). */
#ifndef NODEPLANE_LIB_CONNTRACK_H
#define NODEPLANE_LIB_CONNTRACK_H

#include "lib/conntrack_maps.h"
#include "lib/l4.h"

static __always_inline void np_ct_key_v4(struct np_ct_key *key, __u8 protocol, __u8 direction, __be32 saddr,
					 __be16 sport, __be32 daddr, __be16 dport)
{
	/* Padding and the unused address bytes are part of the hash key. */
	__builtin_memset(key, 0, sizeof(*key));
	key->family = NP_FAMILY_IPV4;
	key->protocol = protocol;
	key->direction = direction;
	key->sport = sport;
	key->dport = dport;
	__builtin_memcpy(key->saddr, &saddr, 4);
	__builtin_memcpy(key->daddr, &daddr, 4);
}

/* The entry of this packet's tuple seen as `direction`, or NULL. */
static __always_inline struct np_ct_value *np_ct_lookup_v4(const struct np_packet *pkt, const struct np_l4 *l4,
							   __u8 direction)
{
	struct np_ct_key key;

	np_ct_key_v4(&key, pkt->ip_proto, direction, pkt->saddr, l4->sport, pkt->daddr, l4->dport);
	return bpf_map_lookup_elem(&np_conntrack_v2, &key);
}

/* A packet of an existing flow: last use and the TCP flags seen. Plain
 * stores: a lost update between CPUs costs a few nanoseconds of age.
 * Returns 1 when this packet (FIN or RST) marked the entry closing, so the
 * caller reports the close once (two CPUs racing may both see 1). */
static __always_inline int np_ct_touch(struct np_ct_value *ct, const struct np_l4 *l4)
{
	__u64 now = bpf_ktime_get_ns();

	if (ct->last_seen_ns != now)
		ct->last_seen_ns = now;
	if ((ct->tcp_flags | l4->tcp_flags) != ct->tcp_flags)
		ct->tcp_flags |= l4->tcp_flags;
	if ((l4->tcp_flags & (NP_TCP_FIN | NP_TCP_RST)) && !(ct->flags & NP_CT_F_CLOSING)) {
		ct->flags |= NP_CT_F_CLOSING; /* FIN or RST */
		return 1;
	}
	return 0;
}

/* Whether this packet would mark `ct` closing: a FIN or RST on an entry not
 * closing yet. UDP packets carry no TCP flags. */
static __always_inline int np_ct_closes(const struct np_ct_value *ct, const struct np_l4 *l4)
{
	return (l4->tcp_flags & (NP_TCP_FIN | NP_TCP_RST)) && !(ct->flags & NP_CT_F_CLOSING);
}

/* Whether the entry at this tuple exists and is closing: the other
 * direction of a flow, looked at when a FIN or RST would close it, so that
 * whichever direction closes first reports the close and the other one does
 * not. Read before marking the own entry: two CPUs closing both directions
 * at once then report twice rather than never. */
static __always_inline int np_ct_closing_v4(__u8 protocol, __u8 direction, __be32 saddr, __be16 sport,
					    __be32 daddr, __be16 dport)
{
	struct np_ct_value *ct;
	struct np_ct_key key;

	np_ct_key_v4(&key, protocol, direction, saddr, sport, daddr, dport);
	ct = bpf_map_lookup_elem(&np_conntrack_v2, &key);
	return ct && (ct->flags & NP_CT_F_CLOSING);
}

/* The first values of both entries of a new flow: the frontend (rev-NAT
 * id), the backend and the flow's flags; nat fields are the caller's. */
static __always_inline void np_ct_init(struct np_ct_value *value, __u32 rev_nat_id, __u32 backend_id, __u8 flags)
{
	__builtin_memset(value, 0, sizeof(*value));
	value->created_ns = bpf_ktime_get_ns();
	value->last_seen_ns = value->created_ns;
	value->rev_nat_id = rev_nat_id;
	value->backend_id = backend_id;
	value->flags = flags;
}

/* Writes one entry of the flow this packet opens: ORIGINAL is keyed by the
 * packet's tuple as it arrived. */
static __always_inline int np_ct_write_original_v4(const struct np_packet *pkt, const struct np_l4 *l4,
						   const struct np_ct_value *value)
{
	struct np_ct_key key;

	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_ORIGINAL, pkt->saddr, l4->sport, pkt->daddr, l4->dport);
	if (bpf_map_update_elem(&np_conntrack_v2, &key, value, BPF_ANY) < 0)
		return NP_DROP(NP_DROP_CT_MAP_FULL);
	return 0;
}

/* The REPLY entry of a flow whose source is not translated: the backend
 * answers the client directly. Written before the ORIGINAL so a reply can
 * never find an ORIGINAL without its REPLY. */
static __always_inline int np_ct_write_reply_v4(const struct np_packet *pkt, const struct np_l4 *l4,
						__be32 backend_addr, __be16 backend_port,
						const struct np_ct_value *value)
{
	struct np_ct_key key;

	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_REPLY, backend_addr, backend_port, pkt->saddr, l4->sport);
	if (bpf_map_update_elem(&np_conntrack_v2, &key, value, BPF_ANY) < 0)
		return NP_DROP(NP_DROP_CT_MAP_FULL);
	return 0;
}

static __always_inline void np_ct_delete_original_v4(const struct np_packet *pkt, const struct np_l4 *l4)
{
	struct np_ct_key key;

	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_ORIGINAL, pkt->saddr, l4->sport, pkt->daddr, l4->dport);
	bpf_map_delete_elem(&np_conntrack_v2, &key);
}

/* A new connection that is not translated reuses a tuple a translated flow
 * may have used before (ephemeral ports come round fast): the reply entry of
 * that old flow would rewrite this connection's replies to the frontend's
 * address, and the client would reset them. */
static __always_inline void np_ct_forget_reply_of_v4(const struct np_packet *pkt, const struct np_l4 *l4)
{
	struct np_ct_key key;

	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_REPLY, pkt->daddr, l4->dport, pkt->saddr, l4->sport);
	/* Look first: a lookup is lock-free, a delete takes the bucket lock,
	 * and nearly every SYN finds nothing to forget. */
	if (bpf_map_lookup_elem(&np_conntrack_v2, &key))
		bpf_map_delete_elem(&np_conntrack_v2, &key);
}

#endif /* NODEPLANE_LIB_CONNTRACK_H */
