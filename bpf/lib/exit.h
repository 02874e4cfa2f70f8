/* The single exit of every entry program: counts the interface's traffic and
 * the verdict (outcome or drop reason) and turns it into a tc action. Later
 * issues add the drop/trace event here. */
#ifndef NODEPLANE_LIB_EXIT_H
#define NODEPLANE_LIB_EXIT_H

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
		return TC_ACT_SHOT;
	}
	np_count_stat((__u32)verdict, pkt->len);
	return np_tc_action(verdict);
}

#endif /* NODEPLANE_LIB_EXIT_H */
