/* Service translation on the pod side: a pod's packet for a frontend is
 * DNATed to a backend (conntrack first, so established flows keep theirs);
 * a backend's reply is rewritten back to the frontend. Both leave the packet
 * with its new addresses in `pkt` for the delivery that follows.
 * The entry points return 0 (deliver the packet as it now is), a negated
 * drop reason, or a final outcome > 0 (the packet was turned into a reply
 * and redirected: NP_STAT_SERVICE_REJECTED). */
#ifndef NODEPLANE_LIB_SERVICES_H
#define NODEPLANE_LIB_SERVICES_H

#include "lib/conntrack.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/reject.h"
#include "lib/stats.h"

static __always_inline int np_dnat_to_backend_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
						 const struct np_backend *backend)
{
	__be32 addr;
	int err;

	__builtin_memcpy(&addr, backend->addr, 4);
	err = np_dnat_v4(skb, pkt, l4, addr, backend->port);
	if (err < 0)
		return err;
	np_count_stat(NP_STAT_SERVICE_TRANSLATED, pkt->len);
	return 0;
}

/* A packet for frontend `svc`. */
static __always_inline int np_translate_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
					   const struct np_service_value *svc)
{
	struct np_backend *backend;
	struct np_ct_value *ct;
	__be32 backend_addr;
	int id, err;

	if (pkt->ip_proto == IPPROTO_SCTP)
		return NP_DROP(NP_DROP_UNSUPPORTED_L4); /* CRC32c: no incremental update */
	if (svc->backend_count == 0 && (svc->flags & NP_SVC_F_NO_ENDPOINT_REJECT))
		return np_reject_v4(skb, pkt);
	err = np_check_source_range_v4(svc, pkt->saddr);
	if (err < 0)
		return err;

	ct = np_ct_lookup_v4(pkt, l4, NP_CT_ORIGINAL);
	/* An entry of another frontend that had this address before is stale. */
	if (ct && ct->rev_nat_id == svc->rev_nat_id) {
		backend = np_lookup_backend(ct->backend_id);
		if (backend) {
			np_ct_touch(ct, l4);
			return np_dnat_to_backend_v4(skb, pkt, l4, backend);
		}
		/* The backend is gone. Another backend would answer a TCP
		 * segment of this connection with RST; until RST generation
		 * lands, drop (counted) rather than forward into nothing. UDP
		 * simply moves on. */
		if (pkt->ip_proto == IPPROTO_TCP)
			return NP_DROP(NP_DROP_BACKEND_GONE);
		np_ct_delete_original_v4(pkt, l4);
		np_count_stat(NP_STAT_CT_RESELECTED, pkt->len);
	}

	id = np_select_backend_v4(svc, pkt, l4);
	if (id < 0)
		return id;
	backend = np_lookup_backend((__u32)id);
	if (!backend || backend->family != NP_FAMILY_IPV4)
		return NP_DROP(NP_DROP_NO_BACKEND);
	__builtin_memcpy(&backend_addr, backend->addr, 4);
	err = np_ct_create_v4(pkt, l4, backend_addr, backend->port, svc->rev_nat_id, (__u32)id);
	if (err < 0)
		return err;
	np_count_stat(NP_STAT_CT_CREATED, pkt->len);
	return np_dnat_to_backend_v4(skb, pkt, l4, backend);
}

/* A backend's reply, recognised by its REPLY entry, gets the frontend's
 * address and port back as its source. Anything else passes as it is. */
static __always_inline int np_reverse_translate_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4)
{
	struct np_rev_nat *rev;
	struct np_ct_value *ct;
	__be32 addr;
	int err;

	if (pkt->ip_proto == IPPROTO_SCTP)
		return 0;
	ct = np_ct_lookup_v4(pkt, l4, NP_CT_REPLY);
	if (!ct)
		return 0;
	rev = bpf_map_lookup_elem(&np_rev_nat_v1, &ct->rev_nat_id);
	if (!rev || rev->family != NP_FAMILY_IPV4)
		return 0; /* the frontend is gone: nothing to restore */
	np_ct_touch(ct, l4);
	__builtin_memcpy(&addr, rev->addr, 4);
	err = np_rev_snat_v4(skb, pkt, l4, addr, rev->port);
	if (err < 0)
		return err;
	np_count_stat(NP_STAT_REVERSE_TRANSLATED, pkt->len);
	return 0;
}

/* from_pod: a frontend's packet is translated; any other packet may be a
 * local backend's reply. */
static __always_inline int np_services_from_pod_v4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_service_value *svc;
	struct np_l4 l4 = {};
	int err;

	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0 || !l4.has_ports)
		return err;
	svc = np_lookup_service_v4(pkt, &l4, NP_SCOPE_INTERNAL);
	if (svc)
		return np_translate_v4(skb, pkt, &l4, svc);
	/* A TCP SYN straight to an address (not a frontend) opens a new,
	 * untranslated connection on this tuple. */
	if (pkt->ip_proto == IPPROTO_TCP && (l4.tcp_flags & (NP_TCP_SYN | NP_TCP_ACK)) == NP_TCP_SYN)
		np_ct_forget_reply_of_v4(pkt, &l4);
	return np_reverse_translate_v4(skb, pkt, &l4);
}

/* to_pod: the reply of a backend elsewhere (another node, the host), on its
 * way into the client pod. */
static __always_inline int np_services_to_pod_v4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_l4 l4 = {};
	int err;

	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0 || !l4.has_ports)
		return err;
	return np_reverse_translate_v4(skb, pkt, &l4);
}

#endif /* NODEPLANE_LIB_SERVICES_H */
