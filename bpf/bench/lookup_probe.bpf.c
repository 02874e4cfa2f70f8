/* Bench only: one lookup of the service path at a time, so a growing cost
 * can be pinned on a map. Each run takes the next number of a counter,
 * turns it into a backend id spread over 1..np_probe_backends (np_mix32, as
 * flows spread over backends), and does one lookup with it:
 *
 *   np_probe_key_only       the id alone: the baseline of the others
 *   np_probe_backend        the shipped lookup (np_lookup_backend: the
 *                           array np_backends_v2, max_entries =
 *                           max-backend-entries, by id % size)
 *   np_probe_backend_fit    a copy in a hash of the same kind sized to the fill
 *   np_probe_backend_array  a copy in an array indexed by backend id
 *   np_probe_slot           the backend's service frontend, then its slot
 *                           (np_services_v2, np_backend_slots_v2), as a
 *                           first packet picks a backend
 *   np_probe_endpoint       np_local_endpoints_v1 for the backend's address
 *                           (a miss for a remote backend), as from_pod
 *                           looks up the translated destination
 *
 * The harness fills the maps (bench/service_bench.cpp, service_bench_fill.h:
 * backend id i is 10.128.0.0 + i; services of 64,000 backends in id order,
 * frontends 10.96.0.10, .11, ...) and shares the datapath's pinned maps. A
 * lookup that finds what it should not (or not what it should) counts in
 * np_probe_wrong, which the harness checks is 0. */
#include "lib/endpoints.h"
#include "lib/lb.h"

/* Set before load. */
const volatile __u32 np_probe_backends = 1;      /* ids 1..n; max_entries of the copies is n + 1 */
const volatile __u32 np_probe_frontend_base = 0; /* host order */
const volatile __u16 np_probe_frontend_port = 0; /* host order */
const volatile __u32 np_probe_backend_base = 0;  /* backend id i has address backend_base + i, host order */

__u64 np_probe_next = 0;
__u64 np_probe_wrong = 0;

#define NP_PROBE_PER_SERVICE 64000

/* Copies of the backends, as np_backends_v1 was (a hash by id, no prealloc)
 * and as an array by id; max_entries set by the harness before load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct np_backend);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} np_probe_backends_fit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct np_backend);
	__uint(max_entries, 1);
} np_probe_backends_array SEC(".maps");

static __always_inline __u32 np_probe_id(void)
{
	return np_mix32((__u32)np_probe_next++) % np_probe_backends + 1;
}

static __always_inline int np_probe_verdict(int right)
{
	if (!right)
		np_probe_wrong++;
	return TC_ACT_OK;
}

SEC("tc")
int np_probe_key_only(struct __sk_buff *skb)
{
	(void)skb;
	return np_probe_verdict(np_probe_id() != 0);
}

SEC("tc")
int np_probe_backend(struct __sk_buff *skb)
{
	(void)skb;
	return np_probe_verdict(np_lookup_backend(np_probe_id()) != NULL);
}

SEC("tc")
int np_probe_backend_fit(struct __sk_buff *skb)
{
	__u32 id = np_probe_id();

	(void)skb;
	return np_probe_verdict(bpf_map_lookup_elem(&np_probe_backends_fit, &id) != NULL);
}

SEC("tc")
int np_probe_backend_array(struct __sk_buff *skb)
{
	__u32 id = np_probe_id();
	struct np_backend *b = bpf_map_lookup_elem(&np_probe_backends_array, &id);

	(void)skb;
	return np_probe_verdict(b && b->family == NP_FAMILY_IPV4);
}

SEC("tc")
int np_probe_slot(struct __sk_buff *skb)
{
	__u32 id = np_probe_id();
	struct np_service_value *svc;
	struct np_service_key key;
	__be32 frontend = bpf_htonl(np_probe_frontend_base + (id - 1) / NP_PROBE_PER_SERVICE);

	(void)skb;
	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.protocol = IPPROTO_TCP;
	key.scope = NP_SCOPE_INTERNAL;
	key.port = bpf_htons(np_probe_frontend_port);
	__builtin_memcpy(key.addr, &frontend, 4);
	svc = bpf_map_lookup_elem(&np_services_v2, &key);
	if (!svc)
		return np_probe_verdict(0);
	return np_probe_verdict(np_slot_backend(svc, (id - 1) % NP_PROBE_PER_SERVICE) == id);
}

SEC("tc")
int np_probe_endpoint(struct __sk_buff *skb)
{
	__u32 id = np_probe_id();

	(void)skb;
	return np_probe_verdict(np_lookup_endpoint_v4(bpf_htonl(np_probe_backend_base + id)) == NULL);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
