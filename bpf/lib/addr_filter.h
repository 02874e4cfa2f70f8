/* Address filters (abi/common.h): a bit per hash of an IPv4 address, read
 * with one array access the verifier inlines, so a packet whose address has
 * no entry skips the hash lookup. Also np_mix32, the hash they use, which
 * load balancing reuses. */
#ifndef NODEPLANE_LIB_ADDR_FILTER_H
#define NODEPLANE_LIB_ADDR_FILTER_H

#include "lib/common.h"
#include "nodeplane/abi/common.h"

/* murmur3's 32-bit finaliser: every input bit moves every output bit, so
 * neighbouring addresses (and client ports) spread over the bits. */
static __always_inline __u32 np_mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Whether `filter` (an array of NP_ADDR_FILTER_WORDS __u64) has the bit of
 * `addr`: no means no entry has the address. */
static __always_inline int np_addr_filter_has_v4(void *filter, __be32 addr)
{
	__u32 bit = np_mix32((__u32)addr) % NP_ADDR_FILTER_BITS;
	__u32 word = bit / 64;
	__u64 *bits = bpf_map_lookup_elem(filter, &word);

	return bits && (*bits >> (bit % 64)) & 1;
}

#endif /* NODEPLANE_LIB_ADDR_FILTER_H */
