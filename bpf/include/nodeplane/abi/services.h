/* Services: frontends (np_services_v2), the backend slot ranges
 * (np_backend_slots_v2), backends (np_backends_v2 and its spill map
 * np_backend_spill_v1), reverse NAT (np_rev_nat_v1), ClientIP affinity
 * (np_affinity_v1) and source ranges (np_source_ranges_v1). The daemon writes
 * all but affinity; from_pod reads them to pick and translate to a backend.
 * See bpf/README.md, "Services". */
#ifndef NODEPLANE_ABI_SERVICES_H
#define NODEPLANE_ABI_SERVICES_H

#include "nodeplane/abi/common.h"

/* Which traffic a frontend answers. A ClusterIP is internal only; a
 * NodePort/LoadBalancer address gets an external frontend (from_netdev) and,
 * for traffic from pods, an internal one, each with its own flags. */
enum np_service_scope {
	NP_SCOPE_INTERNAL = 0, /* from pods on this node (from_pod) */
	NP_SCOPE_EXTERNAL = 1, /* from outside the node (from_netdev, later) */
};

/* A frontend: address, port, protocol and scope. Every byte is hashed, so
 * pad and the unused 12 bytes of an IPv4 address must be 0. */
struct np_service_key {
	__u8 family;   /* enum np_family */
	__u8 protocol; /* IPPROTO_TCP, IPPROTO_UDP (IPPROTO_SCTP: dropped, UNSUPPORTED_L4) */
	__u8 scope;    /* enum np_service_scope */
	__u8 pad;
	__be16 port;   /* network order */
	__u16 pad2;
	__u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
};

/* Frontend flags, from the Service spec. */
enum np_service_flags {
	/* sessionAffinity: ClientIP; affinity_timeout_s applies. */
	NP_SVC_F_AFFINITY = 1 << 0,
	/* externalTrafficPolicy: Local. The daemon fills the external
	 * frontend's slots with local backends only; the datapath keeps the
	 * client's address (no masquerade). */
	NP_SVC_F_ETP_LOCAL = 1 << 1,
	/* internalTrafficPolicy: Local; the internal frontend's slots hold
	 * local backends only. */
	NP_SVC_F_ITP_LOCAL = 1 << 2,
	/* loadBalancerSourceRanges set: the client must match an entry of
	 * np_source_ranges_v1 under this frontend's rev_nat_id. */
	NP_SVC_F_SOURCE_RANGES = 1 << 3,
	/* With no backend: reject (ICMP port unreachable back to the client,
	 * as kube-proxy's REJECT does for TCP and UDP) instead of dropping
	 * (NO_BACKEND). */
	NP_SVC_F_NO_ENDPOINT_REJECT = 1 << 4,
	/* The translated packet must be source-NATed to the node (external
	 * traffic to a remote backend). Used by the SNAT step, later. */
	NP_SVC_F_MASQUERADE = 1 << 5,
};

/* What a frontend leads to (np_services_v2; v1 had no slot_base and keyed
 * slots by service id and half). The service's backend set is the range
 * slot_base .. slot_base + backend_count - 1 of np_backend_slots_v2, an
 * array: one lookup by index, however many backends there are. A new set is
 * written to a free range, then slot_base, backend_count and active_half
 * change together in one update of this value: that is the atomic backend
 * set switch. The old range is reused only after a grace period. */
struct np_service_value {
	__u32 service_id;         /* the service whose set this is */
	__u32 backend_count;      /* slots slot_base .. slot_base + count - 1 are valid */
	__u32 rev_nat_id;         /* np_rev_nat_v1 entry: this frontend's VIP, port */
	__u32 affinity_timeout_s; /* ClientIP affinity timeout, seconds */
	__u16 flags;              /* enum np_service_flags */
	__u8 active_half;         /* flips 0/1 with every set switch: which generation is live */
	__u8 pad;
	__u32 slot_base;          /* first slot of the set in np_backend_slots_v2 */
};

/* Address filters (NP_ADDR_FILTER_WORDS, common.h): np_service_addrs_v1
 * holds every frontend address (the frontend lookups are skipped for the
 * rest), np_backend_addrs_v1 every backend address (only those send replies
 * to reverse-translate: the conntrack REPLY lookup is skipped for the rest).
 * Set before the first frontend / backend of the address is written, cleared
 * after the last is removed. */

/* Most backends one service can have in one set. */
#define NP_MAX_BACKENDS_PER_SERVICE 65535

/* Backend flags. */
enum np_backend_flags {
	NP_BACKEND_F_LOCAL = 1 << 0,       /* a pod on this node */
	NP_BACKEND_F_TERMINATING = 1 << 1, /* serving but terminating (EndpointSlice) */
};

/* A backend, by the __u32 backend id the daemon allocates and never reuses
 * while conntrack may still name it. np_backends_v2 is an array: backend id
 * `id` sits at index id % max_entries when that entry is free (id 0) or its
 * own; otherwise (another live id took the index) in the hash
 * np_backend_spill_v1, keyed by id. `id` says which backend an array entry
 * holds, so a lookup checks it. (v1 was a hash by id, without `id`.) */
struct np_backend {
	__u32 id;      /* the backend id; 0: a free array entry */
	__u8 family;   /* enum np_family */
	__u8 protocol; /* IPPROTO_TCP, IPPROTO_UDP */
	__u8 flags;    /* enum np_backend_flags */
	__u8 pad;
	__be16 port;   /* network order */
	__u16 pad2;
	__u8 addr[16];
};

/* np_rev_nat_v1 value, keyed by a __u32 rev-NAT id: what a reply's source
 * is rewritten back to. */
struct np_rev_nat {
	__u8 family;
	__u8 pad;
	__be16 port;   /* network order */
	__u8 addr[16];
};

/* np_affinity_v1 key: one client of one frontend. */
struct np_affinity_key {
	__u8 family;
	__u8 pad[3];
	__u32 rev_nat_id;
	__u8 addr[16]; /* the client */
};

struct np_affinity_value {
	__u32 backend_id;
	__u32 pad;
	__u64 last_used_ns; /* bpf_ktime_get_ns() of the last new connection */
};

/* np_cluster_ip_ranges_v1 (an array of one, key 0): the service range,
 * [services] cluster-ip-ranges. A packet from a pod or from outside for an
 * address in one of the first `count` prefixes that no frontend serves is
 * dropped (UNALLOCATED_CLUSTER_IP), unless the address is an allocated
 * ClusterIP (it has port-0 refusal frontends, which reject instead). count 0,
 * the value before the daemon writes it, drops nothing. IPv4 only. */
#define NP_MAX_CLUSTER_IP_RANGES 16
struct np_ipv4_prefix {
	__be32 addr; /* network order, host bits 0 */
	__be32 mask; /* network order: the prefix length's leading ones */
};
struct np_cluster_ip_ranges {
	__u32 count; /* prefixes in use, 0..NP_MAX_CLUSTER_IP_RANGES */
	__u32 pad;
	struct np_ipv4_prefix v4[NP_MAX_CLUSTER_IP_RANGES];
};
#define NP_CLUSTER_IP_RANGES_KEY 0

/* np_source_ranges_v1 key (LPM trie). prefixlen counts the bits after
 * itself: 64 for rev_nat_id, family and pad (always matched whole), plus the
 * prefix length of the address. */
struct np_source_range_key {
	__u32 prefixlen;
	__u32 rev_nat_id;
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

/* Bits of np_source_range_key before the address, always matched whole. */
#define NP_SOURCE_RANGE_FIXED_BITS 64

#endif /* NODEPLANE_ABI_SERVICES_H */
