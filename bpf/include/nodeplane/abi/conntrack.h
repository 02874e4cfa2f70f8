/* Connection tracking for service translation and NetworkPolicy
 * (np_conntrack_v2): one entry per direction of a translated flow, one per
 * flow NetworkPolicy tracks, written by the datapath, read, aged and
 * flushed by the daemon. */
#ifndef NODEPLANE_ABI_CONNTRACK_H
#define NODEPLANE_ABI_CONNTRACK_H

#include "nodeplane/abi/common.h"

/* Which way of the flow a key describes. */
enum np_ct_dir {
	/* Client -> frontend, as the client sent it (before DNAT). */
	NP_CT_ORIGINAL = 0,
	/* Backend -> client, as the backend sent it (before reverse NAT). */
	NP_CT_REPLY = 1,
};

/* The tuple as the packet carries it. Every byte is hashed: pad and unused
 * address bytes are 0. */
struct np_ct_key {
	__u8 family;    /* enum np_family */
	__u8 protocol;  /* IPPROTO_TCP, IPPROTO_UDP */
	__u8 direction; /* enum np_ct_dir */
	__u8 pad;
	__be16 sport;
	__be16 dport;
	__u8 saddr[16];
	__u8 daddr[16];
};

enum np_ct_flags {
	/* A TCP FIN or RST was seen in this direction: the daemon may age the
	 * entry with its short (closing) timeout. */
	NP_CT_F_CLOSING = 1 << 0,
	/* The flow's source is translated too (masquerade to the node for
	 * external traffic to a remote backend, or the hairpin address when a
	 * pod reaches itself through a service); nat_addr and nat_port hold
	 * the other side of that translation. */
	NP_CT_F_SNAT = 1 << 1,
	/* Created by from_netdev: the client is outside the node. */
	NP_CT_F_EXTERNAL = 1 << 2,
	/* A flow NetworkPolicy tracks (lib/policy_flow.h): one ORIGINAL entry
	 * keyed by the flow's tuple as the pods see it, for both directions
	 * (a packet whose reversed tuple finds it is a reply). No NAT, no
	 * backend; rev_nat_id and backend_id are 0. */
	NP_CT_F_POLICY = 1 << 3,
	/* With NP_CT_F_POLICY: a reply was seen, so the daemon ages the flow
	 * as answered. */
	NP_CT_F_REPLIED = 1 << 4,
	/* With NP_CT_F_POLICY: the source pod's egress policy allowed the flow
	 * under revision policy_rev. */
	NP_CT_F_EGRESS_OK = 1 << 5,
	/* With NP_CT_F_POLICY: the destination pod's ingress policy allowed
	 * the flow under revision policy_rev. */
	NP_CT_F_INGRESS_OK = 1 << 6,
	/* With NP_CT_F_POLICY: a service flow, tracked here as the pods see
	 * it after translation. The service's own entries report its open
	 * and close (datapath and conntrack GC), this one never does. Was
	 * unused (0), so v2 stays. */
	NP_CT_F_SERVICE_FLOW = 1 << 7,
};

/* v2 (was np_conntrack_v1): nat_addr and nat_port added for source NAT. */
struct np_ct_value {
	__u64 created_ns;   /* bpf_ktime_get_ns() at creation */
	__u64 last_seen_ns; /* bpf_ktime_get_ns() of the last packet */
	__u32 rev_nat_id;   /* the frontend: np_rev_nat_v1 key */
	__u32 backend_id;   /* the chosen backend: np_backends_v1 key */
	__u8 tcp_flags;     /* OR of the TCP flags seen in this direction */
	__u8 flags;         /* enum np_ct_flags */
	/* With NP_CT_F_SNAT. ORIGINAL: the source the client's packets are
	 * rewritten to. REPLY: the client's own address and port, which the
	 * reply's destination is rewritten back to. Network order. */
	__be16 nat_port;
	__u8 nat_addr[16];
	/* With NP_CT_F_POLICY: the policy revision (np_policy_config) the
	 * EGRESS_OK / INGRESS_OK bits were decided under; another revision
	 * decides again. Was padding (0: never decided), so v2 stays. */
	__u32 policy_rev;
};

#endif /* NODEPLANE_ABI_CONNTRACK_H */
