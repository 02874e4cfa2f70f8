/* NetworkPolicy on packets: a pod isolated in a direction passes a packet
 * only as part of a flow its policy allowed. The decision (lib/policy.h) is
 * taken on a flow's first packet and kept in one conntrack entry
 * (NP_CT_F_POLICY), keyed by the flow's tuple as the pods see it (after
 * service translation): a packet whose own tuple finds it belongs to the
 * flow, one whose reversed tuple finds it is a reply. A service backend's
 * reply is recognised by the service's own conntrack (NP_PKT_F_REPLY, or
 * the service flow's ORIGINAL seen from the client's side). An entry
 * decided under an older policy revision is decided again, so a policy
 * change reaches established flows on their next packet.
 * The entry reports its flow's open and close (one entry for both
 * directions: the first FIN or RST of either side marks it closing and
 * reports, named as the flow's first packet went), except for a service
 * flow (NP_CT_F_SERVICE_FLOW), which its translation reports. */
#ifndef NODEPLANE_LIB_POLICY_FLOW_H
#define NODEPLANE_LIB_POLICY_FLOW_H

#include "lib/conntrack.h"
#include "lib/events.h"
#include "lib/icmp_nat.h"
#include "lib/policy.h"
#include "lib/stats.h"

#define NP_ICMP_ECHO_REPLY 0

static __always_inline __u32 np_policy_revision(void)
{
	__u32 key = NP_POLICY_CONFIG_KEY;
	struct np_policy_config *config = bpf_map_lookup_elem(&np_policy_config_v1, &key);

	return config ? config->revision : 0;
}

/* ICMP without conntrack: echo replies and errors answer something the pod
 * sent (or a flow it is part of), the rest is decided like a new flow. */
static __always_inline int np_icmp_is_answer(struct __sk_buff *skb, const struct np_packet *pkt)
{
	__u8 type;

	if (bpf_skb_load_bytes(skb, pkt->l4_off, &type, 1) < 0)
		return 0;
	return type == NP_ICMP_ECHO_REPLY || type == NP_ICMP_DEST_UNREACH || type == NP_ICMP_TIME_EXCEEDED ||
	       type == NP_ICMP_PARAMETER_PROBLEM;
}

/* The remote of a flow seen from the local pod, and the port policy
 * matches: the destination port either way (the pod's own for ingress). */
static __always_inline __be32 np_policy_remote(const struct np_packet *pkt, __u8 direction)
{
	return direction == NP_POLICY_INGRESS ? pkt->saddr : pkt->daddr;
}

/* The tc hook a policy direction is enforced at: ingress policy at to_pod
 * (the host end's egress), egress policy at from_pod (its ingress). */
static __always_inline __u8 np_policy_hook(__u8 direction)
{
	return direction == NP_POLICY_INGRESS ? NP_DIR_EGRESS : NP_DIR_INGRESS;
}

/* Whether a new flow is a service flow, which the service's conntrack
 * reports: translated by this very program (the client's from_pod), or one
 * whose REPLY entry backend -> client exists (the backend's to_pod, where
 * the packet arrives already translated). Asked for new flows only. */
static __always_inline int np_policy_flow_is_service(const struct np_packet *pkt, const struct np_l4 *l4)
{
	struct np_ct_key key;

	if (pkt->flags & NP_PKT_F_TRANSLATED)
		return 1;
	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_REPLY, pkt->daddr, l4->dport, pkt->saddr, l4->sport);
	return bpf_map_lookup_elem(&np_conntrack_v2, &key) != NULL;
}

/* Reports a decision: allowed once per flow (its first packet, or its first
 * after a policy change), denied per packet in place of the drop record
 * np_exit() would write. */
static __always_inline void np_policy_report(struct __sk_buff *skb, const struct np_packet *pkt,
					     const struct np_endpoint_value *ep,
					     const struct np_policy_verdict *verdict, __be16 sport, __be16 dport)
{
	if (!np_events_on(NP_EVENTS_F_POLICY))
		return;
	struct np_event_args args = {
		.endpoint_id = ep->endpoint_id,
		.policy_id = verdict->policy_id,
		.remote_identity = verdict->remote_identity,
		.saddr = pkt->saddr,
		.daddr = pkt->daddr,
		.sport = sport,
		.dport = dport,
		.reason = verdict->allowed ? 0 : NP_DROP_POLICY_DENIED,
		.type = NP_EVENT_POLICY_VERDICT,
		.direction = verdict->direction,
		.allowed = verdict->allowed,
	};

	np_event_emit(skb, pkt, &args);
}

/* Decides for `ep` in `direction`; 0 when allowed, the drop otherwise. */
static __always_inline int np_policy_verdict(struct __sk_buff *skb, const struct np_endpoint_value *ep,
					     __u8 direction, const struct np_packet *pkt, __be16 sport, __be16 dport)
{
	struct np_policy_verdict verdict = {};

	np_policy_decide(ep->endpoint_id, direction, np_policy_remote(pkt, direction), pkt->ip_proto, dport,
			 &verdict);
	np_policy_report(skb, pkt, ep, &verdict, sport, dport);
	if (!verdict.allowed)
		return NP_DROP(NP_DROP_POLICY_DENIED);
	np_count_stat(NP_STAT_POLICY_ALLOWED, pkt->len);
	return 0;
}

/* A packet of pod `ep` in `direction` (after service translation), for a
 * pod isolated in some direction. `decide`: the pod is isolated in this
 * one, so a new flow needs its policy; otherwise the flow is only tracked,
 * so that its replies find it when they meet the other direction's policy
 * (a pod isolated for egress still answers the connections it accepts).
 * 0 lets the packet through. */
static __always_inline int np_policy_enforce_v4(struct __sk_buff *skb, struct np_packet *pkt,
						const struct np_endpoint_value *ep, __u8 direction, int decide)
{
	__u8 ok_bit = direction == NP_POLICY_INGRESS ? NP_CT_F_INGRESS_OK : NP_CT_F_EGRESS_OK;
	struct np_ct_value entry, *ct;
	struct np_ct_key key;
	struct np_l4 l4 = {};
	__u32 revision;
	__u8 quiet;
	int err;

	if (pkt->flags & NP_PKT_F_REPLY)
		return 0;
	err = np_parse_l4(skb, pkt, &l4);
	if (err < 0)
		return err;
	if (!l4.has_ports) {
		/* A later fragment of TCP, UDP or SCTP: its first fragment,
		 * which carries the ports, was decided (and the pod cannot
		 * reassemble without it). */
		if (pkt->ip_proto == IPPROTO_TCP || pkt->ip_proto == IPPROTO_UDP || pkt->ip_proto == IPPROTO_SCTP)
			return 0;
		/* ICMP is stateless here; other protocols have no ports. */
		if (!decide || (pkt->ip_proto == IPPROTO_ICMP && np_icmp_is_answer(skb, pkt)))
			return 0;
		return np_policy_verdict(skb, ep, direction, pkt, 0, 0);
	}

	revision = np_policy_revision();
	/* A packet of a flow already tracked. */
	ct = np_ct_lookup_v4(pkt, &l4, NP_CT_ORIGINAL);
	if (ct && (ct->flags & NP_CT_F_POLICY)) {
		if (np_ct_touch(ct, &l4) && !(ct->flags & NP_CT_F_SERVICE_FLOW))
			np_event_flow_close(skb, pkt, l4.sport, l4.dport, ep->endpoint_id, 0, np_policy_hook(direction),
					    0);
		if (!decide || ((ct->flags & ok_bit) && ct->policy_rev == revision))
			return 0;
		err = np_policy_verdict(skb, ep, direction, pkt, l4.sport, l4.dport);
		if (err < 0)
			return err;
		/* Bits decided under an older revision no longer hold. */
		if (ct->policy_rev != revision) {
			ct->flags &= ~(NP_CT_F_INGRESS_OK | NP_CT_F_EGRESS_OK);
			ct->policy_rev = revision;
		}
		ct->flags |= ok_bit;
		return 0;
	}
	/* A reply: the reversed tuple is a tracked flow (ours, or a service
	 * flow as its client sent it). */
	np_ct_key_v4(&key, pkt->ip_proto, NP_CT_ORIGINAL, pkt->daddr, l4.dport, pkt->saddr, l4.sport);
	ct = bpf_map_lookup_elem(&np_conntrack_v2, &key);
	if (ct) {
		if (ct->flags & NP_CT_F_POLICY) {
			/* The server side closing first: the record still
			 * names the flow client -> server. */
			if (np_ct_touch(ct, &l4) && !(ct->flags & NP_CT_F_SERVICE_FLOW))
				np_event_flow_close(skb, pkt, l4.sport, l4.dport, ep->endpoint_id, 0,
						    np_policy_hook(direction), 1);
			if (!(ct->flags & NP_CT_F_REPLIED))
				ct->flags |= NP_CT_F_REPLIED;
		}
		return 0;
	}

	/* A new flow. */
	if (decide) {
		err = np_policy_verdict(skb, ep, direction, pkt, l4.sport, l4.dport);
		if (err < 0)
			return err;
	}
	quiet = np_policy_flow_is_service(pkt, &l4) ? NP_CT_F_SERVICE_FLOW : 0;
	np_ct_init(&entry, 0, 0, NP_CT_F_POLICY | (decide ? ok_bit : 0) | quiet);
	entry.tcp_flags = l4.tcp_flags;
	entry.policy_rev = revision;
	err = np_ct_write_original_v4(pkt, &l4, &entry);
	if (err == 0 && !quiet)
		np_event_flow_open(skb, pkt, l4.sport, l4.dport, ep->endpoint_id, 0, np_policy_hook(direction));
	return err;
}

#endif /* NODEPLANE_LIB_POLICY_FLOW_H */
