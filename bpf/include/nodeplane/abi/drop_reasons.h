/* Why the datapath dropped a packet. Helpers return these negated; the single
 * exit of each program counts them in np_drops_v1 (index = reason) and
 * returns TC_ACT_SHOT.
 *
 * Numbers are forever: pinned counters and logs outlive a daemon version, so
 * a reason is never renumbered and a retired number is never reused (keep the
 * enumerator with a RETIRED_ prefix). 0 is not a reason. */
#ifndef NODEPLANE_ABI_DROP_REASONS_H
#define NODEPLANE_ABI_DROP_REASONS_H

enum np_drop_reason {
	/* Truncated or self-contradicting Ethernet/IPv4 header: shorter than
	 * its own fields say, IHL < 5, version != 4, total length beyond the
	 * frame. */
	NP_DROP_MALFORMED = 1,
	/* A pod sent an IPv4 packet whose source is not one of its own
	 * addresses (not a local endpoint, or one behind another interface). */
	NP_DROP_SPOOFED_SOURCE = 2,
	/* Forwarding would decrement the TTL to 0 (TTL <= 1 on arrival). No
	 * ICMP time-exceeded is generated. */
	NP_DROP_TTL_EXCEEDED = 3,
	/* bpf_redirect_neigh() refused the redirect (it only does so for
	 * arguments the kernel considers invalid). */
	NP_DROP_REDIRECT_FAILED = 4,

	/* A service frontend matched but its active half holds no backend
	 * (or a slot was missing), and its no-endpoint action is DROP (or the
	 * REJECT reply could not be built). */
	NP_DROP_NO_BACKEND = 5,
	/* The frontend has loadBalancerSourceRanges and the client matches
	 * none of them. */
	NP_DROP_SOURCE_RANGE_DENIED = 6,
	/* A conntrack entry could not be created (bpf_map_update_elem
	 * failed). An LRU map evicts rather than filling, so this is rare. */
	NP_DROP_CT_MAP_FULL = 7,
	/* A frontend matched a protocol the datapath cannot translate
	 * (SCTP), or a fragment without ports for a frontend's address. */
	NP_DROP_UNSUPPORTED_L4 = 8,
	/* An established TCP flow's backend is gone from np_backends_v1.
	 * TCP segments get a RST instead (NP_STAT_SERVICE_RESET); this counts
	 * those for which the RST could not be built (IP options). */
	NP_DROP_BACKEND_GONE = 9,

	/* A flow that must be source-NATed found no free port in
	 * NP_SNAT_PORT_MIN..MAX towards its backend within NP_SNAT_ATTEMPTS
	 * tries, or the daemon has not written a masquerade address yet. */
	NP_DROP_SNAT_NO_PORT = 10,
	/* A translated packet that must be routed (to a backend on another
	 * node, or a reply to a client outside) found no usable route: FIB
	 * lookup said blackhole, unreachable, prohibit, forwarding disabled,
	 * or the packet exceeds the route's MTU. */
	NP_DROP_NO_ROUTE = 11,

	/* NetworkPolicy: a new flow (or one decided under an older policy
	 * revision) that the egress policy of its source pod or the ingress
	 * policy of its destination pod does not allow. */
	NP_DROP_POLICY_DENIED = 12,

	/* A packet for an address of the service range ([services]
	 * cluster-ip-ranges) that no ClusterIP holds: kube-proxy's "Drop
	 * traffic to unallocated ClusterIPs". */
	NP_DROP_UNALLOCATED_CLUSTER_IP = 13,

	/* One past the highest number in use; not a reason. */
	NP_DROP__COUNT,
};

/* np_drops_v1 has room for this many reasons; its size is part of its layout,
 * so adding reasons below this bound needs no new map. */
#define NP_DROPS_MAX_ENTRIES 256

#endif /* NODEPLANE_ABI_DROP_REASONS_H */
