/* Datapath counters: what happened to packets (np_stats_v1, indexed by
 * enum np_stat) and per-interface traffic (np_iface_stats_v1). Drops are
 * counted separately per reason in np_drops_v1 (drop_reasons.h), so adding a
 * reason never moves a stat and vice versa. */
#ifndef NODEPLANE_ABI_STATS_H
#define NODEPLANE_ABI_STATS_H

#include "nodeplane/abi/common.h"

/* Outcomes of the packets a program let through. A program's helpers return
 * one of these as their verdict (>= 0); the program's single exit counts it
 * here and turns it into the tc action. Numbers are forever, like drop
 * reasons. */
enum np_stat {
	/* from_pod: IPv4 to a local endpoint, redirected to its host end. */
	NP_STAT_FORWARDED_LOCAL = 0,
	/* IPv4 handed to the node's stack: from_pod for non-local destinations
	 * (the node itself, other nodes), from_netdev for all traffic so far. */
	NP_STAT_TO_STACK = 1,
	/* ARP and every other non-IP ethertype, passed untouched (any hook). */
	NP_STAT_PASSED_NON_IP = 2,
	/* IPv6, passed untouched until the IPv6 datapath lands (any hook). */
	NP_STAT_PASSED_IPV6 = 3,
	/* to_pod: IPv4 let into a pod. */
	NP_STAT_DELIVERED_TO_POD = 4,
	/* to_netdev: IPv4 let out of an external interface. */
	NP_STAT_TO_NETDEV = 5,
	/* Not an outcome: packets whose interface found np_iface_stats_v1 full,
	 * so their interface counters are missing. Raise maxInterfaces. */
	NP_STAT_IFACE_STATS_FULL = 6,
	/* From here on, events counted next to the packet's outcome: such a
	 * packet is also counted once under its verdict (forwarded_local,
	 * to_stack, delivered_to_pod). */
	/* from_pod: a packet for a service frontend translated to a backend
	 * (DNAT), first packet or established. */
	NP_STAT_SERVICE_TRANSLATED = 7,
	/* from_pod / to_pod: a backend's reply rewritten back to the
	 * frontend's address and port. */
	NP_STAT_REVERSE_TRANSLATED = 8,
	/* from_pod: a conntrack miss for a frontend that created a new
	 * flow (a subset of SERVICE_TRANSLATED). */
	NP_STAT_CT_CREATED = 9,
	/* from_pod: a UDP flow whose backend disappeared, moved to another
	 * backend. */
	NP_STAT_CT_RESELECTED = 10,
	/* from_pod: an outcome again, not an event. A packet for a frontend
	 * without backends and with NP_SVC_F_NO_ENDPOINT_REJECT, rewritten
	 * into an ICMP port unreachable and sent back to the client. */
	NP_STAT_SERVICE_REJECTED = 11,

	/* An outcome: a translated packet (to a backend on another node, or
	 * a reply to a client outside the node) redirected to the interface a
	 * FIB lookup chose, TTL decremented, neighbour resolved by the kernel. */
	NP_STAT_FORWARDED_ROUTED = 12,
	/* An outcome: a TCP segment for a frontend that cannot be served (no
	 * backend left, or its flow's backend is gone) answered with a RST
	 * from the frontend's address, sent back to the client. */
	NP_STAT_SERVICE_RESET = 13,
	/* An event: a new flow's source translated (masquerade to the node
	 * for external traffic to a remote backend, or a hairpin). */
	NP_STAT_SNAT_CREATED = 14,

	/* An event: a flow of a pod isolated by NetworkPolicy decided and
	 * allowed (its first packet, or its first after a policy change), in
	 * from_pod (egress) or to_pod (ingress). Later packets pass on the
	 * conntrack entry without a decision. */
	NP_STAT_POLICY_ALLOWED = 15,

	/* Not an outcome: a datapath event (policy verdict, drop, service
	 * translation, flow open or close) that found np_events_v1 full and
	 * was not written. The packet itself went on as it would have; raise
	 * [observe] ring-buffer-bytes or read faster. */
	NP_STAT_EVENTS_LOST = 16,

	/* 20-24: the cgroup socket hooks (sock_lb.bpf.c), one per syscall
	 * of a node socket, not per packet (bytes stay 0). Keep these last:
	 * NP_STAT__COUNT follows the highest number in use. */
	/* connect4: a TCP or UDP connect() to a frontend sent to a backend. */
	NP_STAT_SOCK_CONNECT_TRANSLATED = 20,
	/* sendmsg4: an unconnected UDP datagram to a frontend sent to a
	 * backend (every sendto(), not once per socket). */
	NP_STAT_SOCK_SENDMSG_TRANSLATED = 21,
	/* connect4 / sendmsg4: the hook failed the syscall, because the
	 * frontend has no backend (ECONNREFUSED with REJECT, else EPERM) or
	 * its reverse entry could not be written. */
	NP_STAT_SOCK_REJECTED = 22,
	/* recvmsg4: a datagram from a backend shown as from its frontend,
	 * once per recvmsg() call that asks for the sender (a MSG_PEEK
	 * first counts too). */
	NP_STAT_SOCK_RECVMSG_REVERSED = 23,
	/* getpeername4: a translated socket's peer shown as its frontend. */
	NP_STAT_SOCK_PEERNAME_REVERSED = 24,

	/* One past the highest number in use; not a stat. */
	NP_STAT__COUNT,
};

/* np_stats_v1 has room for this many stats (part of its layout). */
#define NP_STATS_MAX_ENTRIES 64

/* Key of np_iface_stats_v1. */
struct np_iface_stats_key {
	__u32 ifindex;
	__u32 direction; /* enum np_direction */
};

#endif /* NODEPLANE_ABI_STATS_H */
