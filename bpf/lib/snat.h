/* Source NAT for service flows: the masquerade address, and the choice of a
 * source port towards one backend. A port is held by the flow's REPLY
 * conntrack entry (backend -> masquerade address:port), created with
 * BPF_NOEXIST, so two flows can never share one and a port frees itself
 * when the daemon ages the flow out. */
#ifndef NODEPLANE_LIB_SNAT_H
#define NODEPLANE_LIB_SNAT_H

#include "lib/conntrack.h"
#include "lib/nat_maps.h"

/* The node address masqueraded flows take, or 0 before the daemon set it. */
static __always_inline __be32 np_masquerade_addr_v4(void)
{
	__u32 key = 0;
	struct np_nat_config *cfg = bpf_map_lookup_elem(&np_nat_config_v1, &key);

	return cfg ? cfg->masquerade_v4 : 0;
}

/* Claims a free port on `nat_addr` towards backend_addr:backend_port by
 * writing the flow's REPLY entry (`reply`, whose nat fields must already
 * hold the client). Tries NP_SNAT_ATTEMPTS ports from `hash`. Returns the
 * port (network order) in *port or a negated drop reason. */
static __always_inline int np_snat_claim_v4(__u8 protocol, __be32 backend_addr, __be16 backend_port,
					    __be32 nat_addr, __u32 hash, const struct np_ct_value *reply,
					    __be16 *port)
{
	const __u32 range = NP_SNAT_PORT_MAX - NP_SNAT_PORT_MIN + 1;
	struct np_ct_key key;
	__be16 candidate;
	__u32 i;

	if (!nat_addr)
		return NP_DROP(NP_DROP_SNAT_NO_PORT);
	for (i = 0; i < NP_SNAT_ATTEMPTS; i++) {
		candidate = bpf_htons((__u16)(NP_SNAT_PORT_MIN + (hash + i) % range));
		np_ct_key_v4(&key, protocol, NP_CT_REPLY, backend_addr, backend_port, nat_addr, candidate);
		if (bpf_map_update_elem(&np_conntrack_v2, &key, reply, BPF_NOEXIST) == 0) {
			*port = candidate;
			return 0;
		}
	}
	return NP_DROP(NP_DROP_SNAT_NO_PORT);
}

#endif /* NODEPLANE_LIB_SNAT_H */
