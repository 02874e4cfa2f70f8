/* NetworkPolicy verdicts: the remote's identity from the ipcache, then the
 * local endpoint's entries for that identity, for the remote's ipBlock class
 * and for every remote (NP_IDENTITY_ANY). At most four LPM lookups whatever
 * the number of policies; called on the first packet of a flow only. */
#ifndef NODEPLANE_LIB_POLICY_H
#define NODEPLANE_LIB_POLICY_H

#include "lib/policy_maps.h"

/* What a verdict carries for events and logs. */
struct np_policy_verdict {
	__u32 policy_id;       /* the allowing policy, or NP_POLICY_ID_NONE */
	__u32 remote_identity; /* the remote's identity (never its class) */
	__u8 direction;        /* enum np_policy_direction */
	__u8 allowed;
	__u8 pad[2];
};

static __always_inline struct np_ipcache_value np_ipcache_lookup_v4(__be32 addr)
{
	struct np_ipcache_value out = { .identity = NP_IDENTITY_WORLD };
	struct np_ipcache_value *v;
	struct np_ipcache_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.prefixlen = NP_IPCACHE_FIXED_BITS + 32;
	key.family = NP_FAMILY_IPV4;
	__builtin_memcpy(key.addr, &addr, sizeof(addr));
	v = bpf_map_lookup_elem(&np_ipcache_v1, &key);
	if (v)
		out = *v;
	return out;
}

static __always_inline struct np_policy_value *
np_policy_entry(__u32 endpoint_id, __u8 direction, __u32 identity, __u8 protocol, __be16 port)
{
	struct np_policy_key key = {
		.prefixlen = NP_POLICY_FULL_BITS,
		.endpoint_id = endpoint_id,
		.remote_identity = identity,
		.direction = direction,
		.protocol = protocol,
		.port = port,
	};

	return bpf_map_lookup_elem(&np_policy_v1, &key);
}

/* Whether the local endpoint `endpoint_id` may exchange a new flow with
 * `remote` in `direction` (protocol, and the local pod's port for ingress or
 * the remote's for egress: the destination port either way). */
static __always_inline void np_policy_decide(__u32 endpoint_id, __u8 direction, __be32 remote, __u8 protocol,
					     __be16 dport, struct np_policy_verdict *verdict)
{
	struct np_ipcache_value id = np_ipcache_lookup_v4(remote);
	struct np_policy_value *hit;

	verdict->direction = direction;
	verdict->remote_identity = id.identity;
	hit = np_policy_entry(endpoint_id, direction, id.identity, protocol, dport);
	if (!hit && id.cidr_identity)
		hit = np_policy_entry(endpoint_id, direction, id.cidr_identity, protocol, dport);
	if (!hit)
		hit = np_policy_entry(endpoint_id, direction, NP_IDENTITY_ANY, protocol, dport);
	verdict->allowed = hit != 0;
	verdict->policy_id = hit ? hit->policy_id : NP_POLICY_ID_NONE;
}

#endif /* NODEPLANE_LIB_POLICY_H */
