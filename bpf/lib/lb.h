/* Load balancing: the address filters that let most packets skip the
 * frontend and reply lookups, frontend lookup, the source-range check,
 * backend choice (ClientIP affinity, else a hash of the 5-tuple over the
 * frontend's slot range) and the backend lookup by id. */
#ifndef NODEPLANE_LIB_LB_H
#define NODEPLANE_LIB_LB_H

#include "lib/addr_filter.h"
#include "lib/l4.h"
#include "lib/services_maps.h"

#define NP_NS_PER_SECOND 1000000000ULL

/* Whether `addr` may be a frontend's (np_service_addrs_v1): no means no
 * frontend of any port, protocol or scope has it, and the frontend lookups
 * are skipped. */
static __always_inline int np_maybe_frontend_addr_v4(__be32 addr)
{
	return np_addr_filter_has_v4(&np_service_addrs_v1, addr);
}

/* Whether `addr` may be a backend's (np_backend_addrs_v1): no means no
 * conntrack REPLY entry can have it as its source, and the lookup is
 * skipped. */
static __always_inline int np_maybe_backend_addr_v4(__be32 addr)
{
	return np_addr_filter_has_v4(&np_backend_addrs_v1, addr);
}

static __always_inline struct np_service_value *np_lookup_service_v4(const struct np_packet *pkt,
								     const struct np_l4 *l4, __u8 scope)
{
	struct np_service_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.protocol = pkt->ip_proto;
	key.scope = scope;
	key.port = l4->dport;
	__builtin_memcpy(key.addr, &pkt->daddr, 4);
	return bpf_map_lookup_elem(&np_services_v2, &key);
}

/* The refusing frontend of an allocated ClusterIP that serves no frontend
 * on this port (port 0, written by the daemon for every ClusterIP), or NULL. */
static __always_inline struct np_service_value *np_lookup_unserved_port_v4(const struct np_packet *pkt)
{
	struct np_service_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.protocol = pkt->ip_proto;
	key.scope = NP_SCOPE_INTERNAL;
	__builtin_memcpy(key.addr, &pkt->daddr, 4);
	return bpf_map_lookup_elem(&np_services_v2, &key);
}

/* Whether `addr` lies in the service range ([services] cluster-ip-ranges).
 * Nearly always none is configured or the first prefix decides. */
static __always_inline int np_in_cluster_ip_range_v4(__be32 addr)
{
	__u32 key = NP_CLUSTER_IP_RANGES_KEY;
	struct np_cluster_ip_ranges *ranges = bpf_map_lookup_elem(&np_cluster_ip_ranges_v1, &key);
	__u32 i;

	if (!ranges)
		return 0;
	for (i = 0; i < NP_MAX_CLUSTER_IP_RANGES; i++) {
		if (i >= ranges->count)
			return 0;
		if ((addr & ranges->v4[i].mask) == ranges->v4[i].addr)
			return 1;
	}
	return 0;
}

/* kube-proxy drops a packet for an address of the service range that no
 * ClusterIP holds ("Drop traffic to unallocated ClusterIPs"), and rejects
 * one for an allocated ClusterIP's unknown port. Called once no frontend
 * served the packet; `maybe_frontend` is its destination's filter bit.
 * Every allocated ClusterIP has a port-0 frontend for TCP and for UDP (the
 * daemon's refusal entries), so for those the lookup tells; for other
 * protocols only a clear filter bit proves the address unallocated. */
static __always_inline int np_unallocated_cluster_ip_v4(const struct np_packet *pkt, int maybe_frontend)
{
	if (!np_in_cluster_ip_range_v4(pkt->daddr))
		return 0;
	if (!maybe_frontend)
		return 1;
	if (pkt->ip_proto != IPPROTO_TCP && pkt->ip_proto != IPPROTO_UDP)
		return 0;
	return !np_lookup_unserved_port_v4(pkt);
}

/* loadBalancerSourceRanges: the client must fall in one of the frontend's
 * prefixes. */
static __always_inline int np_check_source_range_v4(const struct np_service_value *svc, __be32 saddr)
{
	struct np_source_range_key key;

	if (!(svc->flags & NP_SVC_F_SOURCE_RANGES))
		return 0;
	__builtin_memset(&key, 0, sizeof(key));
	key.prefixlen = NP_SOURCE_RANGE_FIXED_BITS + 32;
	key.rev_nat_id = svc->rev_nat_id;
	key.family = NP_FAMILY_IPV4;
	__builtin_memcpy(key.addr, &saddr, 4);
	if (!bpf_map_lookup_elem(&np_source_ranges_v1, &key))
		return NP_DROP(NP_DROP_SOURCE_RANGE_DENIED);
	return 0;
}

static __always_inline __u32 np_flow_hash_v4(const struct np_packet *pkt, const struct np_l4 *l4)
{
	__u32 h = np_mix32(pkt->saddr ^ 0x9e3779b9);

	h = np_mix32(h ^ pkt->daddr);
	h = np_mix32(h ^ (((__u32)l4->sport << 16) | l4->dport));
	return np_mix32(h ^ pkt->ip_proto);
}

/* The backend in slot `index` of the frontend's set. A missing slot (the
 * daemon's bug) is NO_BACKEND. */
static __always_inline __u32 np_slot_backend(const struct np_service_value *svc, __u32 index)
{
	__u32 slot = svc->slot_base + index;
	__u32 *id = bpf_map_lookup_elem(&np_backend_slots_v2, &slot);

	return id ? *id : 0;
}

/* Backend `id`, or NULL when it is gone: its array entry, else (its index
 * held by another id) the spill map. */
static __always_inline struct np_backend *np_lookup_backend(__u32 id)
{
	__u32 entries = np_backends_entries;
	__u32 index;
	struct np_backend *b;

	if (id == 0 || entries == 0)
		return NULL;
	index = id % entries;
	b = bpf_map_lookup_elem(&np_backends_v2, &index);
	if (b && b->id == id)
		return b;
	/* Nearly always a removed backend: the spill map is empty. */
	return bpf_map_lookup_elem(&np_backend_spill_v1, &id);
}

/* ClientIP affinity: the client's previous backend for this frontend while
 * it was used within the timeout, still exists and is not terminating.
 * Returns its id, or 0. A terminating backend stays in the map only for its
 * established flows and is in no set, so like kube-proxy (affinity among the
 * usable endpoints) a new connection must not follow it there; in KEP-1669's
 * fallback, where only terminating endpoints are left, this costs the
 * stickiness and nothing else. */
static __always_inline __u32 np_affinity_backend_v4(const struct np_service_value *svc, __be32 client, __u64 now)
{
	struct np_affinity_key key;
	struct np_affinity_value *aff;
	struct np_backend *backend;

	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.rev_nat_id = svc->rev_nat_id;
	__builtin_memcpy(key.addr, &client, 4);
	aff = bpf_map_lookup_elem(&np_affinity_v1, &key);
	if (!aff || now - aff->last_used_ns > (__u64)svc->affinity_timeout_s * NP_NS_PER_SECOND)
		return 0;
	backend = np_lookup_backend(aff->backend_id);
	if (!backend || (backend->flags & NP_BACKEND_F_TERMINATING))
		return 0;
	aff->last_used_ns = now;
	return aff->backend_id;
}

static __always_inline void np_affinity_remember_v4(const struct np_service_value *svc, __be32 client,
						    __u32 backend_id, __u64 now)
{
	struct np_affinity_value value = {.backend_id = backend_id, .last_used_ns = now};
	struct np_affinity_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.rev_nat_id = svc->rev_nat_id;
	__builtin_memcpy(key.addr, &client, 4);
	/* Failure only loses stickiness for the next connection. */
	bpf_map_update_elem(&np_affinity_v1, &key, &value, BPF_ANY);
}

/* Picks the backend of a new flow. Returns its id (> 0) or a negated drop
 * reason. Backend ids start at 1: 0 means "none" in slots and affinity. */
static __always_inline int np_select_backend_v4(const struct np_service_value *svc, const struct np_packet *pkt,
						const struct np_l4 *l4)
{
	__u64 now = 0;
	__u32 id;

	/* No endpoints means none, whatever affinity remembers. */
	if (svc->backend_count == 0)
		return NP_DROP(NP_DROP_NO_BACKEND);
	if (svc->flags & NP_SVC_F_AFFINITY) {
		now = bpf_ktime_get_ns();
		id = np_affinity_backend_v4(svc, pkt->saddr, now);
		if (id)
			return (int)id;
	}
	id = np_slot_backend(svc, np_flow_hash_v4(pkt, l4) % svc->backend_count);
	if (!id || id > 0x7fffffff)
		return NP_DROP(NP_DROP_NO_BACKEND);
	if (svc->flags & NP_SVC_F_AFFINITY)
		np_affinity_remember_v4(svc, pkt->saddr, id, now);
	return (int)id;
}

#endif /* NODEPLANE_LIB_LB_H */
