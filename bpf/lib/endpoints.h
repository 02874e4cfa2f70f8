/* Local endpoint lookups: which pod owns an address and behind which host
 * end it sits; the anti-spoofing rule built on that. */
#ifndef NODEPLANE_LIB_ENDPOINTS_H
#define NODEPLANE_LIB_ENDPOINTS_H

#include "lib/addr_filter.h"
#include "lib/endpoints_maps.h"

static __always_inline struct np_endpoint_value *np_lookup_endpoint_v4(__be32 addr)
{
	struct np_endpoint_key key;

	/* Padding and the unused 12 address bytes are part of the hash key. */
	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	__builtin_memcpy(key.addr, &addr, sizeof(addr));
	return bpf_map_lookup_elem(&np_local_endpoints_v1, &key);
}

/* Whether `addr` may be a local endpoint's (np_endpoint_addrs_v1): no
 * means the destination lookup would miss (a node, another node's pod, the
 * world), and it is skipped. */
static __always_inline int np_maybe_local_endpoint_v4(__be32 addr)
{
	return np_addr_filter_has_v4(&np_endpoint_addrs_v1, addr);
}

/* Whether `addr` may be a policy-isolated endpoint's (np_isolated_addrs_v1):
 * no means its pod has no isolation flag and to_pod needs no lookup. */
static __always_inline int np_maybe_isolated_endpoint_v4(__be32 addr)
{
	return np_addr_filter_has_v4(&np_isolated_addrs_v1, addr);
}

/* A pod may only send from its own addresses: the source must be a local
 * endpoint behind the interface the packet arrived on. Otherwise one pod
 * could impersonate another pod, or any address at all. Gives the source
 * endpoint (its policy flags) in `*src`. */
static __always_inline int np_check_source_v4(__u32 ifindex, __be32 saddr, struct np_endpoint_value **src)
{
	*src = np_lookup_endpoint_v4(saddr);
	if (!*src || (*src)->ifindex != ifindex)
		return NP_DROP(NP_DROP_SPOOFED_SOURCE);
	return 0;
}

#endif /* NODEPLANE_LIB_ENDPOINTS_H */
