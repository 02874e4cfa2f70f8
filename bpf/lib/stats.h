/* Counting: global outcomes, drops per reason, and per-interface traffic. */
#ifndef NODEPLANE_LIB_STATS_H
#define NODEPLANE_LIB_STATS_H

#include "lib/stats_maps.h"

static __always_inline void np_counter_add(struct np_counter *c, __u32 bytes)
{
	/* Per-CPU value and tc programs do not migrate while running, so a
	 * plain add is exact. */
	c->packets++;
	c->bytes += bytes;
}

static __always_inline void np_count_stat(__u32 stat, __u32 bytes)
{
	struct np_counter *c = bpf_map_lookup_elem(&np_stats_v1, &stat);

	if (c)
		np_counter_add(c, bytes);
}

static __always_inline void np_count_drop(__u32 reason, __u32 bytes)
{
	struct np_counter *c = bpf_map_lookup_elem(&np_drops_v1, &reason);

	if (c)
		np_counter_add(c, bytes);
}

static __always_inline void np_count_iface(__u32 ifindex, __u32 direction, __u32 bytes)
{
	struct np_iface_stats_key key = {.ifindex = ifindex, .direction = direction};
	struct np_counter first = {.packets = 1, .bytes = bytes};
	struct np_counter *c;
	long err;

	c = bpf_map_lookup_elem(&np_iface_stats_v1, &key);
	if (c) {
		np_counter_add(c, bytes);
		return;
	}
	/* First packet of this interface and direction. NOEXIST so a racing
	 * first packet on another CPU does not zero this CPU's slot; if it won,
	 * the entry now exists and we add to it. */
	err = bpf_map_update_elem(&np_iface_stats_v1, &key, &first, BPF_NOEXIST);
	if (err == 0)
		return;
	c = bpf_map_lookup_elem(&np_iface_stats_v1, &key);
	if (c)
		np_counter_add(c, bytes);
	else
		np_count_stat(NP_STAT_IFACE_STATS_FULL, bytes);
}

#endif /* NODEPLANE_LIB_STATS_H */
