/* The single exit of every entry program: counts the interface's traffic and
 * the verdict (outcome or drop reason), reports a drop as an event, and
 * turns the verdict into a tc action. */
#ifndef NODEPLANE_LIB_EXIT_H
#define NODEPLANE_LIB_EXIT_H

#include "lib/events.h"
#include "lib/parse.h"
#include "lib/stats.h"

static __always_inline int np_tc_action(int verdict)
{
	switch (verdict) {
	case NP_STAT_FORWARDED_LOCAL:
	case NP_STAT_FORWARDED_ROUTED:
	case NP_STAT_SERVICE_REJECTED:
	case NP_STAT_SERVICE_RESET:
		return TC_ACT_REDIRECT;
	default:
		return TC_ACT_OK;
	}
}

static __always_inline int np_exit(struct __sk_buff *skb, const struct np_packet *pkt,
				   __u32 direction, int verdict)
{
	np_count_iface(skb->ifindex, direction, pkt->len);
	if (verdict < 0) {
		np_count_drop((__u32)-verdict, pkt->len);
		/* A policy denial was reported where it was decided, with the
		 * policy's ids (lib/policy_flow.h): one record per packet. */
		if (verdict != NP_DROP(NP_DROP_POLICY_DENIED) && np_events_on(NP_EVENTS_F_DROP))
			np_event_drop(skb, pkt, (__u8)direction, (__u32)-verdict);
		return TC_ACT_SHOT;
	}
	np_count_stat((__u32)verdict, pkt->len);
	return np_tc_action(verdict);
}

#endif /* NODEPLANE_LIB_EXIT_H */
