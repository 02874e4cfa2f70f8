/* What the datapath reports to user space through the np_events_v1 ring
 * buffer: one fixed-size record per policy verdict, dropped packet, new
 * service translation and connection open or close.
 *
 * Reporting never blocks forwarding: a record that finds the ring full is
 * not written, and NP_STAT_EVENTS_LOST counts it. Allowed traffic is
 * reported once per connection (its first packet), not per packet.
 *
 * Record types and flag bits are forever, like drop reasons: a reader of an
 * older daemon may meet records of a newer datapath across an upgrade. */
#ifndef NODEPLANE_ABI_EVENTS_H
#define NODEPLANE_ABI_EVENTS_H

#include "nodeplane/abi/common.h"

enum np_event_type {
	/* NetworkPolicy decided a new flow of an isolated pod: allowed (the
	 * flow goes on) or denied (the packet is dropped with
	 * NP_DROP_POLICY_DENIED; no separate NP_EVENT_DROP is written). */
	NP_EVENT_POLICY_VERDICT = 1,
	/* A packet dropped for any other reason: `reason` holds the
	 * np_drop_reason. */
	NP_EVENT_DROP = 2,
	/* A new flow to a service frontend: orig_daddr:orig_dport is the
	 * frontend, daddr:dport the backend chosen. */
	NP_EVENT_SERVICE_TRANSLATION = 3,
	/* A connection's first packet created its conntrack entry. The tuple
	 * is that packet's: client -> frontend for a service flow. */
	NP_EVENT_FLOW_OPEN = 4,
	/* A TCP connection closed: the first FIN or RST of either side, once
	 * per flow (the other side's FIN or RST finds the flow closing). The
	 * tuple names the flow as its client sent it, whichever side closed:
	 * client -> frontend for a service flow (as its open), the first
	 * packet's direction for a flow NetworkPolicy tracks. Two CPUs closing
	 * both sides at the same instant may both report. UDP flows and TCP
	 * flows that just go idle are reported by the daemon when conntrack
	 * GC removes them (not through this ring). */
	NP_EVENT_FLOW_CLOSE = 5,
};

/* Bits of np_events_config_v1's `mask`: which records the datapath writes.
 * 0 turns reporting off (counters still run). */
#define NP_EVENTS_F_POLICY (1u << 0)  /* NP_EVENT_POLICY_VERDICT */
#define NP_EVENTS_F_DROP (1u << 1)    /* NP_EVENT_DROP */
#define NP_EVENTS_F_SERVICE (1u << 2) /* NP_EVENT_SERVICE_TRANSLATION */
#define NP_EVENTS_F_FLOW (1u << 3)    /* NP_EVENT_FLOW_OPEN and _CLOSE */
#define NP_EVENTS_F_ALL (NP_EVENTS_F_POLICY | NP_EVENTS_F_DROP | NP_EVENTS_F_SERVICE | NP_EVENTS_F_FLOW)

/* Value of np_events_config_v1 (an array of one, written by the daemon). */
struct np_events_config {
	__u32 mask;
	__u32 pad;
};
#define NP_EVENTS_CONFIG_KEY 0

/* Default size of np_events_v1 in bytes (a power of two, page multiple);
 * the daemon sets [observe] ring-buffer-bytes at load. */
#define NP_DEFAULT_EVENTS_RING_BYTES (4u << 20)

/* One record. Addresses and ports in network byte order; IPv4 addresses in
 * the first four bytes of the 16-byte fields (family says which). */
struct np_event {
	__u64 timestamp_ns;  /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
	__u8 type;           /* enum np_event_type */
	__u8 family;         /* NP_FAMILY_IPV4 / NP_FAMILY_IPV6 */
	__u8 protocol;       /* IPPROTO_TCP, _UDP, _ICMP, ... */
	__u8 direction;      /* policy records: enum np_policy_direction;
	                      * others: the hook's enum np_direction */
	__u8 allowed;        /* policy records: 1 allowed, 0 denied */
	__u8 pad0;
	__u16 reason;        /* drops and denials: enum np_drop_reason */
	__u32 ifindex;       /* the interface the packet was seen on */
	__u32 endpoint_id;   /* the local endpoint concerned, 0 if none */
	__u32 policy_id;     /* the allowing policy, NP_POLICY_ID_NONE otherwise */
	__u32 remote_identity; /* policy records: the remote's identity */
	__u32 rev_nat_id;    /* service records and translated flows, else 0 */
	__u32 len;           /* the packet's length in bytes */
	__u8 saddr[16];
	__u8 daddr[16];
	__u8 orig_daddr[16]; /* service records: the frontend */
	__be16 sport;
	__be16 dport;
	__be16 orig_dport;   /* service records: the frontend's port */
	__u16 pad1;
	__u64 packets;       /* close records: both directions' counts, if kept */
	__u64 bytes;
};

#endif /* NODEPLANE_ABI_EVENTS_H */
