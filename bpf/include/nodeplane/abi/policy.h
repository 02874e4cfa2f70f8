/* NetworkPolicy: addresses to identities (np_ipcache_v1) and, per local
 * endpoint and direction, what each remote identity may reach
 * (np_policy_v1). The daemon writes both; from_pod enforces a pod's egress
 * policy, to_pod its ingress policy, on the first packet of a flow only:
 * conntrack lets the rest of an allowed flow and its replies through. See
 * bpf/README.md, "Policy". */
#ifndef NODEPLANE_ABI_POLICY_H
#define NODEPLANE_ABI_POLICY_H

#include "nodeplane/abi/common.h"

/* Reserved identities (numbers are forever: logs and events carry them).
 * Pods get 256 .. 2^24-1, one per (namespace, labels); ipBlock classes
 * 2^24 .. 2^32-2. */
enum np_identity {
	NP_IDENTITY_ANY = 0,         /* policy keys only: every remote */
	NP_IDENTITY_HOST = 1,        /* this node's own addresses */
	NP_IDENTITY_WORLD = 2,       /* outside the cluster */
	NP_IDENTITY_REMOTE_NODE = 3, /* other nodes' addresses */
};
#define NP_FIRST_POD_IDENTITY 256
#define NP_FIRST_CIDR_IDENTITY (1u << 24)

/* np_ipcache_v1 key (LPM trie). prefixlen counts the bits after itself:
 * 32 for family and pad (always matched whole) plus the address prefix. */
struct np_ipcache_key {
	__u32 prefixlen;
	__u8 family; /* enum np_family */
	__u8 pad[3];
	__u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
};
#define NP_IPCACHE_FIXED_BITS 32

struct np_ipcache_value {
	__u32 identity;      /* pod identity, or host / world / remote-node */
	__u32 cidr_identity; /* the ipBlock class of the address, 0 if none */
};

enum np_policy_direction {
	NP_POLICY_INGRESS = 0, /* into the local endpoint; remote = the source */
	NP_POLICY_EGRESS = 1,  /* out of the local endpoint; remote = the destination */
};

/* np_policy_v1 key (LPM trie): one local endpoint, one direction, one remote
 * identity, then protocol and port, which may be prefixes: a rule without
 * ports matches NP_POLICY_FIXED_BITS (every protocol), a protocol without a
 * port + 8, a port range splits into port prefixes (+ 8 + 0..16). The
 * datapath looks up the remote's identity, its ipBlock class and
 * NP_IDENTITY_ANY; any hit allows. */
struct np_policy_key {
	__u32 prefixlen;
	__u32 endpoint_id;     /* np_endpoint_value.endpoint_id */
	__u32 remote_identity; /* enum np_identity or an allocated identity */
	__u8 direction;        /* enum np_policy_direction */
	__u8 protocol;         /* IPPROTO_* */
	__be16 port;           /* network order, so prefixes take its high bits */
};
#define NP_POLICY_FIXED_BITS 72 /* endpoint, identity, direction */
#define NP_POLICY_FULL_BITS 96

struct np_policy_value {
	__u32 policy_id; /* the lowest id of the policies that allow it (events) */
	__u32 pad;
};

/* np_policy_config_v1 (an array of one): the policy revision, which the
 * daemon raises after every change to the policy maps. Conntrack entries
 * decided under another revision are decided again on their next packet,
 * so a policy change reaches established flows too. */
struct np_policy_config {
	__u32 revision;
	__u32 pad;
};
#define NP_POLICY_CONFIG_KEY 0

/* Policy ids that are not a NetworkPolicy's. */
enum np_policy_id {
	NP_POLICY_ID_NONE = 0,       /* default deny / no policy */
	NP_POLICY_ID_HOST_ALLOW = 1, /* [policy] allow-from-host */
};

#endif /* NODEPLANE_ABI_POLICY_H */
