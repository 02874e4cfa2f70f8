/* Types shared by every part of the nodeplane ABI: address families,
 * directions and the packet/byte counter pair. Included by the BPF programs
 * and by the daemon (C++), so only UAPI types and fixed-width fields. */
#ifndef NODEPLANE_ABI_COMMON_H
#define NODEPLANE_ABI_COMMON_H

#include <linux/types.h>

/* Address family as stored in map keys. The values equal the daemon's
 * nodeplane::IpFamily (4 and 6), not AF_INET/AF_INET6, so a key reads the
 * same in a hex dump as in the code. */
enum np_family {
	NP_FAMILY_IPV4 = 4,
	NP_FAMILY_IPV6 = 6,
};

/* Which tc hook of an interface saw the packet. Ingress is what the
 * interface received (from_pod / from_netdev), egress what it sends
 * (to_pod / to_netdev). */
enum np_direction {
	NP_DIR_INGRESS = 0,
	NP_DIR_EGRESS = 1,
};

/* One counter: packets and bytes (skb->len, so L2 header included). In
 * per-CPU maps the daemon sums the CPUs' copies. */
struct np_counter {
	__u64 packets;
	__u64 bytes;
};

/* Address filters: a bit per hash of an IPv4 address, so the many packets
 * that cannot match an entry skip a hash lookup (services.h, endpoints.h).
 * Bit np_mix32(the address as it sits in the packet) % NP_ADDR_FILTER_BITS
 * of an array of __u64 words: word bit / 64, bit bit % 64. A bit is set
 * before the first entry of its addresses is written and cleared after the
 * last is removed; another address's bit may stand in (the lookup then
 * misses), so a clear bit is a sure "no". */
#define NP_ADDR_FILTER_WORDS 16384
#define NP_ADDR_FILTER_BITS (NP_ADDR_FILTER_WORDS * 64)

#endif /* NODEPLANE_ABI_COMMON_H */
