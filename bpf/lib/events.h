/* Datapath events: one struct np_event per policy verdict, drop, new service
 * translation and flow open or close, written straight into its slot of
 * np_events_v1 (nothing built on the stack but the few ids below).
 *
 * Reporting never blocks forwarding: a full ring costs the record, counted
 * as NP_STAT_EVENTS_LOST, never the packet. Call sites ask np_events_on()
 * first, so with events off a reportable moment costs one array lookup and
 * a forwarded packet of an established flow costs nothing. */
#ifndef NODEPLANE_LIB_EVENTS_H
#define NODEPLANE_LIB_EVENTS_H

#include <linux/in.h>

#include "lib/events_maps.h"
#include "lib/parse.h"
#include "lib/stats.h"

/* What a call site knows beyond the packet (its length, family, protocol
 * and L4 offset come from `pkt`, the interface from the skb). Addresses and
 * ports in network order. */
struct np_event_args {
	__u32 endpoint_id;
	__u32 policy_id;
	__u32 remote_identity;
	__u32 rev_nat_id;
	__be32 saddr;
	__be32 daddr;
	__be32 orig_daddr;
	__be16 sport;
	__be16 dport;
	__be16 orig_dport;
	__u16 reason;     /* enum np_drop_reason */
	__u8 type;        /* enum np_event_type */
	__u8 direction;   /* np_policy_direction for policy records, else np_direction */
	__u8 allowed;
	__u8 read_ports;  /* 1: ports unknown here, read them from the packet */
};

/* Whether the daemon asked for the records of `bit` (NP_EVENTS_F_*). */
static __always_inline int np_events_on(__u32 bit)
{
	__u32 key = NP_EVENTS_CONFIG_KEY;
	struct np_events_config *config = bpf_map_lookup_elem(&np_events_config_v1, &key);

	return config && (config->mask & bit);
}

/* The ports of a first (or only) fragment of TCP, UDP or SCTP, into `ports`
 * (source, destination); left 0 for anything else. A drop may come before
 * L4 was parsed, or for a packet cut short: a failed read leaves zeros. */
static __always_inline void np_event_read_ports(struct __sk_buff *skb, const struct np_packet *pkt, __be16 *ports)
{
	__be16 frag_off = 0;

	if (pkt->l3 != NP_L3_IPV4 || pkt->l4_off == 0)
		return;
	if (pkt->ip_proto != IPPROTO_TCP && pkt->ip_proto != IPPROTO_UDP && pkt->ip_proto != IPPROTO_SCTP)
		return;
	if (bpf_skb_load_bytes(skb, NP_L3_OFF + offsetof(struct iphdr, frag_off), &frag_off, sizeof(frag_off)) < 0)
		return;
	if (bpf_ntohs(frag_off) & 0x1fff) /* a later fragment: no L4 header */
		return;
	if (bpf_skb_load_bytes(skb, pkt->l4_off, ports, 2 * sizeof(__be16)) < 0) {
		ports[0] = 0;
		ports[1] = 0;
	}
}

/* Writes one record. A global function, verified once on its own rather
 * than at every call site, and called only when events are on: the entry
 * programs stay within 6.1's verifier budget. __weak: every entry file
 * includes this header and the static linker keeps one copy. The verifier
 * treats pointer arguments of a global function as possibly NULL. */
__weak __noinline int np_event_emit(struct __sk_buff *skb, const struct np_packet *pkt,
				    const struct np_event_args *args)
{
	struct np_event *event;
	__u64 flags;

	if (!pkt || !args)
		return 0;
	event = bpf_ringbuf_reserve(&np_events_v1, sizeof(*event), 0);
	if (!event) {
		np_count_stat(NP_STAT_EVENTS_LOST, pkt->len);
		return 0;
	}
	/* Ring memory is not zeroed: padding and unused address bytes too. */
	__builtin_memset(event, 0, sizeof(*event));
	event->timestamp_ns = bpf_ktime_get_boot_ns();
	event->type = args->type;
	event->family = pkt->l3 == NP_L3_IPV4 ? NP_FAMILY_IPV4 : pkt->l3 == NP_L3_IPV6 ? NP_FAMILY_IPV6 : 0;
	event->protocol = pkt->ip_proto;
	event->direction = args->direction;
	event->allowed = args->allowed;
	event->reason = args->reason;
	event->ifindex = skb->ifindex;
	event->endpoint_id = args->endpoint_id;
	event->policy_id = args->policy_id;
	event->remote_identity = args->remote_identity;
	event->rev_nat_id = args->rev_nat_id;
	event->len = pkt->len;
	__builtin_memcpy(event->saddr, &args->saddr, 4);
	__builtin_memcpy(event->daddr, &args->daddr, 4);
	__builtin_memcpy(event->orig_daddr, &args->orig_daddr, 4);
	event->orig_dport = args->orig_dport;
	if (args->read_ports) {
		__be16 ports[2] = {};

		np_event_read_ports(skb, pkt, ports);
		event->sport = ports[0];
		event->dport = ports[1];
	} else {
		event->sport = args->sport;
		event->dport = args->dport;
	}
	flags = 0;
	if (np_events_wakeup_bytes)
		flags = bpf_ringbuf_query(&np_events_v1, BPF_RB_AVAIL_DATA) >= np_events_wakeup_bytes
				? BPF_RB_FORCE_WAKEUP
				: BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(event, flags);
	return 0;
}

/* A packet dropped for `reason` at the hook `direction` (np_exit). */
static __always_inline void np_event_drop(struct __sk_buff *skb, const struct np_packet *pkt, __u8 direction,
					  __u32 reason)
{
	struct np_event_args args = {
		.saddr = pkt->saddr,
		.daddr = pkt->daddr,
		.reason = (__u16)reason,
		.type = NP_EVENT_DROP,
		.direction = direction,
		.read_ports = 1,
	};

	np_event_emit(skb, pkt, &args);
}

/* A flow record of `type` (NP_EVENT_FLOW_OPEN or _CLOSE), seen on `pkt`
 * whose ports are `sport`, `dport`. The record names the flow as its client
 * sent it: a packet of the reply direction (`reply`) gives the tuple
 * reversed. `direction`: the hook's. */
static __always_inline void np_event_flow(struct __sk_buff *skb, const struct np_packet *pkt, __be16 sport,
					  __be16 dport, __u32 endpoint_id, __u32 rev_nat_id, __u8 direction,
					  __u8 type, int reply)
{
	if (!np_events_on(NP_EVENTS_F_FLOW))
		return;
	struct np_event_args args = {
		.endpoint_id = endpoint_id,
		.rev_nat_id = rev_nat_id,
		.saddr = reply ? pkt->daddr : pkt->saddr,
		.daddr = reply ? pkt->saddr : pkt->daddr,
		.sport = reply ? dport : sport,
		.dport = reply ? sport : dport,
		.type = type,
		.direction = direction,
	};

	np_event_emit(skb, pkt, &args);
}

/* A flow's first packet created its conntrack entry. */
static __always_inline void np_event_flow_open(struct __sk_buff *skb, const struct np_packet *pkt, __be16 sport,
					       __be16 dport, __u32 endpoint_id, __u32 rev_nat_id, __u8 direction)
{
	np_event_flow(skb, pkt, sport, dport, endpoint_id, rev_nat_id, direction, NP_EVENT_FLOW_OPEN, 0);
}

/* A TCP segment with FIN or RST closed its flow: the first of either
 * direction (lib/conntrack.h np_ct_closes). `reply`: the segment came from
 * the flow's server side. */
static __always_inline void np_event_flow_close(struct __sk_buff *skb, const struct np_packet *pkt, __be16 sport,
						__be16 dport, __u32 endpoint_id, __u32 rev_nat_id, __u8 direction,
						int reply)
{
	np_event_flow(skb, pkt, sport, dport, endpoint_id, rev_nat_id, direction, NP_EVENT_FLOW_CLOSE, reply);
}

#endif /* NODEPLANE_LIB_EVENTS_H */
