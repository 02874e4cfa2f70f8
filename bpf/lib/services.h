/* Service translation: a client's packet for a frontend is DNATed to a
 * backend (conntrack first, so established flows keep theirs), its source
 * masqueraded when the reply could not come back otherwise; a backend's
 * reply is rewritten back to the frontend (and to the client, if
 * masqueraded). Both leave the packet with its new addresses in `pkt` and
 * NP_PKT_F_* flags saying how it must be delivered.
 * The entry points return 0 (deliver the packet as it now is), a negated
 * drop reason, or a final outcome > 0 (the packet was turned into a reply
 * and redirected: NP_STAT_SERVICE_REJECTED, NP_STAT_SERVICE_RESET). */
#ifndef NODEPLANE_LIB_SERVICES_H
#define NODEPLANE_LIB_SERVICES_H

#include "lib/conntrack.h"
#include "lib/events.h"
#include "lib/icmp_nat.h"
#include "lib/lb.h"
#include "lib/nat.h"
#include "lib/reject.h"
#include "lib/reset.h"
#include "lib/snat.h"
#include "lib/stats.h"

/* Where a client is, as the frontend scope and the flow's flags see it. */
enum np_client_origin {
	NP_ORIGIN_POD = 0,      /* from_pod: a pod on this node */
	NP_ORIGIN_EXTERNAL = 1, /* from_netdev: anything outside the node */
};

/* Applies a flow's translation to one of its client's packets: the source
 * first (if masqueraded), then the destination. */
static __always_inline int np_apply_original_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
						const struct np_ct_value *ct, const struct np_backend *backend)
{
	__be32 addr;
	int err;

	if (ct->flags & NP_CT_F_SNAT) {
		__builtin_memcpy(&addr, ct->nat_addr, 4);
		err = np_set_source_v4(skb, pkt, l4, addr, ct->nat_port);
		if (err < 0)
			return err;
		/* A node address as source: the stack would call it martian. */
		pkt->flags |= NP_PKT_F_MUST_ROUTE;
	}
	__builtin_memcpy(&addr, backend->addr, 4);
	err = np_set_destination_v4(skb, pkt, l4, addr, backend->port);
	if (err < 0)
		return err;
	pkt->flags |= NP_PKT_F_TRANSLATED;
	if (!(backend->flags & NP_BACKEND_F_LOCAL))
		pkt->flags |= NP_PKT_F_REMOTE_BACKEND;
	np_count_stat(NP_STAT_SERVICE_TRANSLATED, pkt->len);
	return 0;
}

/* Whether a new flow to `backend` needs its source translated: external
 * traffic to a backend elsewhere under externalTrafficPolicy Cluster (the
 * backend's reply must come back through this node), or a pod that reached
 * itself through a service (it would drop a packet from its own address). */
static __always_inline int np_needs_snat_v4(const struct np_service_value *svc, const struct np_packet *pkt,
					     const struct np_backend *backend, __u8 origin)
{
	if (origin == NP_ORIGIN_EXTERNAL)
		return (svc->flags & NP_SVC_F_MASQUERADE) && !(backend->flags & NP_BACKEND_F_LOCAL);
	return __builtin_memcmp(backend->addr, &pkt->saddr, 4) == 0;
}

/* Whether the reply tuple backend -> client:port of a new, untranslated
 * flow already belongs to a live flow of another frontend: the client used
 * one source port towards two frontends and both picked this backend. That
 * flow's ORIGINAL entry still points at the same backend; anything else is
 * a stale entry the new flow may take over. Returns 1 when taken. */
static __always_inline int np_reply_held_by_live_flow_v4(const struct np_packet *pkt, const struct np_l4 *l4,
							  __be32 backend_addr, __be16 backend_port, __u32 rev_nat_id)
{
	struct np_ct_value *held, *other;
	struct np_rev_nat *frontend;
	struct np_ct_key key;
	__be32 frontend_addr;

	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_REPLY, backend_addr, backend_port, pkt->saddr, l4->sport);
	held = bpf_map_lookup_elem(&np_conntrack_v2, &key);
	if (!held)
		return 0;
	/* A port another flow claimed on the client's address: taken until
	 * that flow ages out. */
	if (held->flags & NP_CT_F_SNAT)
		return 1;
	/* This frontend's own: its ORIGINAL was not found, so it is stale. */
	if (held->rev_nat_id == rev_nat_id)
		return 0;
	frontend = bpf_map_lookup_elem(&np_rev_nat_v1, &held->rev_nat_id);
	if (!frontend || frontend->family != NP_FAMILY_IPV4)
		return 0;
	__builtin_memcpy(&frontend_addr, frontend->addr, 4);
	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_ORIGINAL, pkt->saddr, l4->sport, frontend_addr, frontend->port);
	other = bpf_map_lookup_elem(&np_conntrack_v2, &key);
	return other && other->backend_id == held->backend_id;
}

/* Opens the flow of this first packet towards `backend`: both conntrack
 * entries, with a source port claimed if the flow is masqueraded or its
 * reply tuple is another flow's. */
static __always_inline int np_open_flow_v4(struct np_packet *pkt, struct np_l4 *l4,
					   const struct np_service_value *svc, __u32 backend_id,
					   const struct np_backend *backend, __u8 origin,
					   struct np_ct_value *original)
{
	__u8 flags = origin == NP_ORIGIN_EXTERNAL ? NP_CT_F_EXTERNAL : 0;
	struct np_ct_value reply;
	__be32 backend_addr, nat_addr;
	__be16 nat_port;
	int err;

	__builtin_memcpy(&backend_addr, backend->addr, 4);
	if (!np_needs_snat_v4(svc, pkt, backend, origin)) {
		if (!np_reply_held_by_live_flow_v4(pkt, l4, backend_addr, backend->port, svc->rev_nat_id)) {
			np_ct_init(&reply, svc->rev_nat_id, backend_id, flags);
			err = np_ct_write_reply_v4(pkt, l4, backend_addr, backend->port, &reply);
			if (err < 0)
				return err;
			np_ct_init(original, svc->rev_nat_id, backend_id, flags);
			original->tcp_flags = l4->tcp_flags;
			return np_ct_write_original_v4(pkt, l4, original);
		}
		/* A clash, as nf_nat resolves it: another port, the client's
		 * own address (eTP Local keeps it). */
		flags |= NP_CT_F_SNAT;
		nat_addr = pkt->saddr;
	} else {
		flags |= NP_CT_F_SNAT;
		nat_addr = np_masquerade_addr_v4();
	}
	np_ct_init(&reply, svc->rev_nat_id, backend_id, flags);
	__builtin_memcpy(reply.nat_addr, &pkt->saddr, 4); /* the client, restored on replies */
	reply.nat_port = l4->sport;
	err = np_snat_claim_v4(pkt->ip_proto, backend_addr, backend->port, nat_addr, np_flow_hash_v4(pkt, l4),
			       &reply, &nat_port);
	if (err < 0)
		return err;
	np_ct_init(original, svc->rev_nat_id, backend_id, flags);
	original->tcp_flags = l4->tcp_flags;
	__builtin_memcpy(original->nat_addr, &nat_addr, 4);
	original->nat_port = nat_port;
	np_count_stat(NP_STAT_SNAT_CREATED, pkt->len);
	return np_ct_write_original_v4(pkt, l4, original);
}

/* Reports a new flow to a frontend (its client's first packet, before the
 * rewrite): the translation, with the frontend and the backend chosen, and
 * the flow's opening. Both are seen at a tc ingress hook. */
static __always_inline void np_report_new_flow_v4(struct __sk_buff *skb, const struct np_packet *pkt,
						  const struct np_l4 *l4, __u32 rev_nat_id,
						  const struct np_backend *backend)
{
	if (np_events_on(NP_EVENTS_F_SERVICE)) {
		struct np_event_args args = {
			.rev_nat_id = rev_nat_id,
			.saddr = pkt->saddr,
			.orig_daddr = pkt->daddr,
			.sport = l4->sport,
			.dport = backend->port,
			.orig_dport = l4->dport,
			.type = NP_EVENT_SERVICE_TRANSLATION,
			.direction = NP_DIR_INGRESS,
		};

		__builtin_memcpy(&args.daddr, backend->addr, 4);
		np_event_emit(skb, pkt, &args);
	}
	np_event_flow_open(skb, pkt, l4->sport, l4->dport, 0, rev_nat_id, NP_DIR_INGRESS);
}

/* Whether the backend's side closed this flow already: the REPLY entry,
 * keyed backend -> the client as the backend sees it. `original`: the
 * flow's ORIGINAL entry, found for this client's packet. */
static __always_inline int np_backend_closed_v4(const struct np_packet *pkt, const struct np_l4 *l4,
						const struct np_ct_value *original, const struct np_backend *backend)
{
	__be32 backend_addr, client_addr = pkt->saddr;
	__be16 client_port = l4->sport;

	if (original->flags & NP_CT_F_SNAT) {
		__builtin_memcpy(&client_addr, original->nat_addr, 4);
		client_port = original->nat_port;
	}
	__builtin_memcpy(&backend_addr, backend->addr, 4);
	return np_ct_closing_v4(pkt->ip_proto, NP_CT_REPLY, backend_addr, backend->port, client_addr, client_port);
}

/* Whether the client's side closed this flow already: the ORIGINAL entry,
 * keyed client -> frontend. `reply`: the flow's REPLY entry, found for this
 * backend's packet (not yet rewritten). */
static __always_inline int np_client_closed_v4(const struct np_packet *pkt, const struct np_l4 *l4,
					       const struct np_ct_value *reply, const struct np_rev_nat *frontend)
{
	__be32 frontend_addr, client_addr = pkt->daddr;
	__be16 client_port = l4->dport;

	if (reply->flags & NP_CT_F_SNAT) {
		__builtin_memcpy(&client_addr, reply->nat_addr, 4);
		client_port = reply->nat_port;
	}
	__builtin_memcpy(&frontend_addr, frontend->addr, 4);
	return np_ct_closing_v4(pkt->ip_proto, NP_CT_ORIGINAL, client_addr, client_port, frontend_addr,
				frontend->port);
}

/* A frontend that cannot serve this packet answers as a host without the
 * connection would: TCP with RST, other protocols with ICMP port
 * unreachable (when the frontend rejects) or a counted drop. */
static __always_inline int np_refuse_v4(struct __sk_buff *skb, const struct np_packet *pkt, const struct np_l4 *l4,
					const struct np_service_value *svc)
{
	if (!(svc->flags & NP_SVC_F_NO_ENDPOINT_REJECT))
		return NP_DROP(NP_DROP_NO_BACKEND);
	if (pkt->ip_proto == IPPROTO_TCP)
		return np_tcp_reset_v4(skb, pkt, l4, NP_DROP_NO_BACKEND);
	return np_reject_v4(skb, pkt);
}

/* A packet for frontend `svc`. */
static __always_inline int np_translate_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
					   const struct np_service_value *svc, __u8 origin)
{
	struct np_ct_value original;
	struct np_backend *backend;
	struct np_ct_value *ct;
	int id, err;

	if (pkt->ip_proto == IPPROTO_SCTP)
		return NP_DROP(NP_DROP_UNSUPPORTED_L4); /* CRC32c: no incremental update */
	/* loadBalancerSourceRanges is a firewall: before anything else. */
	err = np_check_source_range_v4(svc, pkt->saddr);
	if (err < 0)
		return err;

	ct = np_ct_lookup_v4(pkt, l4, NP_CT_ORIGINAL);
	/* An entry of another frontend that had this address before is stale. */
	if (ct && ct->rev_nat_id == svc->rev_nat_id) {
		backend = np_lookup_backend(ct->backend_id);
		if (backend) {
			/* A close is reported by whichever side closes first
			 * (the backend's: np_reverse_translate_v4); the
			 * REPLY entry is read on a FIN or RST only. */
			int closes = np_ct_closes(ct, l4) && np_events_on(NP_EVENTS_F_FLOW) &&
				     !np_backend_closed_v4(pkt, l4, ct, backend);

			np_ct_touch(ct, l4);
			if (closes)
				np_event_flow_close(skb, pkt, l4->sport, l4->dport, 0, ct->rev_nat_id, NP_DIR_INGRESS,
						    0);
			return np_apply_original_v4(skb, pkt, l4, ct, backend);
		}
		/* The backend is gone. Its connection cannot continue on
		 * another backend: reset it now rather than let the client
		 * retransmit into nothing. UDP simply moves on. */
		if (pkt->ip_proto == IPPROTO_TCP)
			return np_tcp_reset_v4(skb, pkt, l4, NP_DROP_BACKEND_GONE);
		np_ct_delete_original_v4(pkt, l4);
		np_count_stat(NP_STAT_CT_RESELECTED, pkt->len);
	}

	if (svc->backend_count == 0)
		return np_refuse_v4(skb, pkt, l4, svc);
	id = np_select_backend_v4(svc, pkt, l4);
	if (id < 0)
		return id;
	backend = np_lookup_backend((__u32)id);
	if (!backend || backend->family != NP_FAMILY_IPV4)
		return NP_DROP(NP_DROP_NO_BACKEND);
	err = np_open_flow_v4(pkt, l4, svc, (__u32)id, backend, origin, &original);
	if (err < 0)
		return err;
	np_count_stat(NP_STAT_CT_CREATED, pkt->len);
	np_report_new_flow_v4(skb, pkt, l4, svc->rev_nat_id, backend);
	return np_apply_original_v4(skb, pkt, l4, &original, backend);
}

/* A backend's reply, recognised by its REPLY entry, gets the frontend's
 * address and port back as its source and, if the flow was masqueraded,
 * the client's as its destination. `only_snat`: leave flows without source
 * NAT alone (from_netdev, where to_pod reverses them later). `hook`: the
 * hook's np_direction, for a close record. */
static __always_inline int np_reverse_translate_v4(struct __sk_buff *skb, struct np_packet *pkt, struct np_l4 *l4,
						   int only_snat, __u8 hook)
{
	struct np_rev_nat *rev;
	struct np_ct_value *ct;
	__be32 addr;
	int closes;
	int err;

	if (pkt->ip_proto == IPPROTO_SCTP)
		return 0;
	/* A connection's first SYN is nobody's reply (the backend answers a
	 * client's SYN with SYN+ACK), and only a backend's address sends
	 * replies: no lookup for the rest. */
	if (pkt->ip_proto == IPPROTO_TCP && (l4->tcp_flags & (NP_TCP_SYN | NP_TCP_ACK)) == NP_TCP_SYN)
		return 0;
	if (!np_maybe_backend_addr_v4(pkt->saddr))
		return 0;
	ct = np_ct_lookup_v4(pkt, l4, NP_CT_REPLY);
	if (!ct || (only_snat && !(ct->flags & NP_CT_F_SNAT)))
		return 0;
	rev = bpf_map_lookup_elem(&np_rev_nat_v1, &ct->rev_nat_id);
	if (!rev || rev->family != NP_FAMILY_IPV4)
		return 0; /* the frontend is gone: nothing to restore */
	/* The backend closing first (a reset, or a server that FINs first)
	 * reports the close, unless the client's side did already. */
	closes = np_ct_closes(ct, l4) && np_events_on(NP_EVENTS_F_FLOW) && !np_client_closed_v4(pkt, l4, ct, rev);
	np_ct_touch(ct, l4);
	if (ct->flags & NP_CT_F_SNAT) {
		__builtin_memcpy(&addr, ct->nat_addr, 4);
		err = np_set_destination_v4(skb, pkt, l4, addr, ct->nat_port);
		if (err < 0)
			return err;
	}
	__builtin_memcpy(&addr, rev->addr, 4);
	err = np_set_source_v4(skb, pkt, l4, addr, rev->port);
	if (err < 0)
		return err;
	pkt->flags |= NP_PKT_F_TRANSLATED | NP_PKT_F_REPLY;
	/* The frontend of an external flow is a node or load-balancer
	 * address, which the stack would take for a martian source. */
	if (ct->flags & NP_CT_F_EXTERNAL)
		pkt->flags |= NP_PKT_F_MUST_ROUTE;
	np_count_stat(NP_STAT_REVERSE_TRANSLATED, pkt->len);
	/* Rewritten, the packet is frontend -> client: reversed, the flow as
	 * its client sent it. */
	if (closes)
		np_event_flow_close(skb, pkt, l4->sport, l4->dport, 0, ct->rev_nat_id, hook, 1);
	return 0;
}

/* from_pod: a frontend's packet is translated; one for an address of the
 * service range that no ClusterIP holds is dropped; any other packet may be
 * a local backend's reply. */
static __always_inline int np_services_from_pod_v4(struct __sk_buff *skb, struct np_packet *pkt)
{
	int maybe_frontend = np_maybe_frontend_addr_v4(pkt->daddr);
	struct np_service_value *svc;
	struct np_l4 l4 = {};
	int err;

	if (pkt->ip_proto == IPPROTO_ICMP) {
		if (np_unallocated_cluster_ip_v4(pkt, maybe_frontend))
			return NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP);
		return np_icmp_error_reverse_v4(skb, pkt, 0);
	}
	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0)
		return err;
	if (!l4.has_ports)
		return np_unallocated_cluster_ip_v4(pkt, maybe_frontend) ? NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP) : 0;
	if (maybe_frontend) {
		svc = np_lookup_service_v4(pkt, &l4, NP_SCOPE_INTERNAL);
		if (svc)
			return np_translate_v4(skb, pkt, &l4, svc, NP_ORIGIN_POD);
		/* A ClusterIP's port that no frontend serves is refused. */
		svc = np_lookup_unserved_port_v4(pkt);
		if (svc)
			return np_refuse_v4(skb, pkt, &l4, svc);
	}
	if (np_unallocated_cluster_ip_v4(pkt, maybe_frontend))
		return NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP);
	/* A TCP SYN straight to an address (not a frontend) opens a new,
	 * untranslated connection on this tuple. An old flow's REPLY entry
	 * on it has a backend's address as its source: for any other
	 * destination there is nothing to forget. */
	if (pkt->ip_proto == IPPROTO_TCP && (l4.tcp_flags & (NP_TCP_SYN | NP_TCP_ACK)) == NP_TCP_SYN &&
	    np_maybe_backend_addr_v4(pkt->daddr))
		np_ct_forget_reply_of_v4(pkt, &l4);
	return np_reverse_translate_v4(skb, pkt, &l4, 0, NP_DIR_INGRESS);
}

/* from_netdev: a client outside the node reaching an external frontend
 * (NodePort, LoadBalancer, externalIP), or the reply of a flow this node
 * masqueraded towards a backend on another node. A packet for an address of
 * the service range that no ClusterIP holds is dropped, as from a pod. */
static __always_inline int np_services_from_netdev_v4(struct __sk_buff *skb, struct np_packet *pkt)
{
	int maybe_frontend = np_maybe_frontend_addr_v4(pkt->daddr);
	struct np_service_value *svc;
	struct np_l4 l4 = {};
	int err;

	if (pkt->ip_proto == IPPROTO_ICMP) {
		if (np_unallocated_cluster_ip_v4(pkt, maybe_frontend))
			return NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP);
		return pkt->daddr == np_masquerade_addr_v4() ? np_icmp_error_reverse_v4(skb, pkt, 1) : 0;
	}
	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0)
		return err;
	if (!l4.has_ports)
		return np_unallocated_cluster_ip_v4(pkt, maybe_frontend) ? NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP) : 0;
	svc = maybe_frontend ? np_lookup_service_v4(pkt, &l4, NP_SCOPE_EXTERNAL) : NULL;
	if (svc)
		return np_translate_v4(skb, pkt, &l4, svc, NP_ORIGIN_EXTERNAL);
	if (np_unallocated_cluster_ip_v4(pkt, maybe_frontend))
		return NP_DROP(NP_DROP_UNALLOCATED_CLUSTER_IP);
	/* Only a masqueraded flow's reply comes back here, and it is addressed
	 * to the masquerade address: everything else skips the conntrack
	 * lookup. */
	if (pkt->daddr != np_masquerade_addr_v4())
		return 0;
	return np_reverse_translate_v4(skb, pkt, &l4, 1, NP_DIR_INGRESS);
}

/* to_pod: the reply of a backend elsewhere (another node, the host), on its
 * way into the client pod. */
static __always_inline int np_services_to_pod_v4(struct __sk_buff *skb, struct np_packet *pkt)
{
	struct np_l4 l4 = {};
	int err;

	if (pkt->ip_proto == IPPROTO_ICMP)
		return np_icmp_error_reverse_v4(skb, pkt, 0);
	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0 || !l4.has_ports)
		return err;
	return np_reverse_translate_v4(skb, pkt, &l4, 0, NP_DIR_EGRESS);
}

#endif /* NODEPLANE_LIB_SERVICES_H */
