/* Socket-level service translation for the node's own sockets: at connect()
 * and unconnected sendmsg() an internal IPv4 frontend becomes one of its
 * backends before any packet exists, and recvmsg() / getpeername() show the
 * frontend again, from the per-socket reverse map. */
#ifndef NODEPLANE_LIB_SOCK_LB_H
#define NODEPLANE_LIB_SOCK_LB_H

#include <linux/errno.h>
#include <linux/in.h>

#include "lib/lb.h"
#include "lib/sock_lb_maps.h"
#include "lib/stats_maps.h"

/* What a translating hook did; helpers return one of these (>= 0) or a
 * negative errno for the syscall to fail with. */
enum np_sock_outcome {
	NP_SOCK_UNTOUCHED = 0, /* not a frontend, or not a socket of the node's */
	NP_SOCK_TRANSLATED = 1,
};

/* The ClientIP affinity key of every node socket. connect() runs before the
 * socket has a source address, so the node is one client, as kube-proxy sees
 * the node's own traffic come from one node address. */
#define NP_SOCK_AFFINITY_CLIENT 0

/* Pods are translated at tc (from_pod); translating a pod's socket as well
 * would hide the frontend from conntrack, so only sockets of the namespace the
 * daemon named are touched. */
static __always_inline int np_sock_of_node(struct bpf_sock_addr *ctx)
{
	__u32 key = NP_SOCK_LB_CONFIG_KEY;
	struct np_sock_lb_config *cfg = bpf_map_lookup_elem(&np_sock_lb_config_v1, &key);

	return cfg && cfg->node_netns_cookie != 0 && cfg->node_netns_cookie == bpf_get_netns_cookie(ctx);
}

static __always_inline struct np_service_value *np_sock_frontend_v4(__be32 addr, __be16 port, __u8 protocol)
{
	struct np_service_key key;

	__builtin_memset(&key, 0, sizeof(key));
	key.family = NP_FAMILY_IPV4;
	key.protocol = protocol;
	key.scope = NP_SCOPE_INTERNAL;
	key.port = port;
	__builtin_memcpy(key.addr, &addr, 4);
	return bpf_map_lookup_elem(&np_services_v2, &key);
}

/* An address of the service range that no ClusterIP holds (it has no
 * port-0 refusal frontend): kube-proxy drops what the node sends there. A
 * socket cannot wait for a drop to time out, so connect() and sendmsg()
 * fail with EPERM, as for a DROP frontend (np_sock_no_backend). */
static __always_inline int np_sock_unallocated_v4(__be32 addr, __u8 protocol)
{
	return np_in_cluster_ip_range_v4(addr) && !np_sock_frontend_v4(addr, 0, protocol);
}

/* One socket keeps its backend for one frontend: every datagram an
 * unconnected UDP socket sends there goes to the same backend while the set
 * stays, as one 5-tuple does in from_pod. Cookies count up, so they are
 * mixed before they pick a slot. */
static __always_inline __u32 np_sock_hash_v4(__u64 cookie, __be32 addr, __be16 port)
{
	__u32 h = np_mix32((__u32)cookie ^ 0x9e3779b9);

	h = np_mix32(h ^ (__u32)(cookie >> 32));
	h = np_mix32(h ^ addr);
	return np_mix32(h ^ port);
}

/* kube-proxy's REJECT reaches a TCP client as RST and a UDP client as ICMP
 * port unreachable: ECONNREFUSED either way. A DROP frontend (no REJECT
 * flag, e.g. internalTrafficPolicy Local without a local endpoint) would let
 * the client time out; at a socket nothing can time out, so the syscall
 * fails with EPERM, the error of a refused hook. */
static __always_inline int np_sock_no_backend(const struct np_service_value *svc)
{
	return (svc->flags & NP_SVC_F_NO_ENDPOINT_REJECT) ? -ECONNREFUSED : -EPERM;
}

/* The backend id (> 0) for this socket and frontend, or a negative errno. */
static __always_inline int np_sock_select_backend_v4(const struct np_service_value *svc, __u64 cookie,
						     __be32 addr, __be16 port)
{
	__u64 now = 0;
	__u32 id;

	if (svc->backend_count == 0)
		return np_sock_no_backend(svc);
	if (svc->flags & NP_SVC_F_AFFINITY) {
		now = bpf_ktime_get_ns();
		id = np_affinity_backend_v4(svc, NP_SOCK_AFFINITY_CLIENT, now);
		if (id)
			return (int)id;
	}
	id = np_slot_backend(svc, np_sock_hash_v4(cookie, addr, port) % svc->backend_count);
	if (!id || id > 0x7fffffff)
		return np_sock_no_backend(svc);
	if (svc->flags & NP_SVC_F_AFFINITY)
		np_affinity_remember_v4(svc, NP_SOCK_AFFINITY_CLIENT, id, now);
	return (int)id;
}

static __always_inline void np_sock_rev_key_v4(struct np_sock_rev_key *key, __u64 cookie, __be32 addr, __be16 port)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->cookie = cookie;
	key->family = NP_FAMILY_IPV4;
	key->port = port;
	__builtin_memcpy(key->addr, &addr, 4);
}

/* Records backend -> frontend for this socket. An unconnected socket sends
 * many datagrams to one frontend: an entry already right is left alone (the
 * lookup refreshes it in the LRU). Returns 0 or the map's negative errno. */
static __always_inline int np_sock_remember_v4(__u64 cookie, __be32 backend_addr, __be16 backend_port,
					       __be32 frontend_addr, __be16 frontend_port)
{
	struct np_sock_rev_key key;
	struct np_rev_nat value;
	struct np_rev_nat *old;
	__be32 old_addr;

	np_sock_rev_key_v4(&key, cookie, backend_addr, backend_port);
	old = bpf_map_lookup_elem(&np_sock_rev_v1, &key);
	if (old) {
		__builtin_memcpy(&old_addr, old->addr, 4);
		if (old_addr == frontend_addr && old->port == frontend_port)
			return 0;
	}
	__builtin_memset(&value, 0, sizeof(value));
	value.family = NP_FAMILY_IPV4;
	value.port = frontend_port;
	__builtin_memcpy(value.addr, &frontend_addr, 4);
	return (int)bpf_map_update_elem(&np_sock_rev_v1, &key, &value, BPF_ANY);
}

/* connect() and unconnected sendmsg(): an internal frontend's address
 * becomes a backend's. The reverse entry is written first, so no reply can
 * arrive before recvmsg() can name its frontend. */
static __always_inline int np_sock_translate_v4(struct bpf_sock_addr *ctx)
{
	struct np_service_value *svc;
	struct np_backend *backend;
	__be32 frontend_addr = ctx->user_ip4;
	__be16 frontend_port = (__be16)ctx->user_port;
	__u8 protocol = (__u8)ctx->protocol;
	__be32 backend_addr;
	__u64 cookie;
	int id, err;

	if (protocol != IPPROTO_TCP && protocol != IPPROTO_UDP)
		return NP_SOCK_UNTOUCHED;
	if (!np_sock_of_node(ctx))
		return NP_SOCK_UNTOUCHED;
	svc = np_sock_frontend_v4(frontend_addr, frontend_port, protocol);
	if (!svc)
		return np_sock_unallocated_v4(frontend_addr, protocol) ? -EPERM : NP_SOCK_UNTOUCHED;
	/* loadBalancerSourceRanges need the client's address, which connect()
	 * does not know yet: such a frontend is left to the network, as if
	 * the node had no socket-level translation. */
	if (svc->flags & NP_SVC_F_SOURCE_RANGES)
		return NP_SOCK_UNTOUCHED;

	cookie = bpf_get_socket_cookie(ctx);
	id = np_sock_select_backend_v4(svc, cookie, frontend_addr, frontend_port);
	if (id < 0)
		return id;
	backend = np_lookup_backend((__u32)id);
	if (!backend || backend->family != NP_FAMILY_IPV4)
		return np_sock_no_backend(svc);
	__builtin_memcpy(&backend_addr, backend->addr, 4);

	err = np_sock_remember_v4(cookie, backend_addr, backend->port, frontend_addr, frontend_port);
	if (err < 0)
		return err;
	ctx->user_ip4 = backend_addr;
	ctx->user_port = (__u32)backend->port;
	return NP_SOCK_TRANSLATED;
}

/* recvmsg() and getpeername(): a backend this socket was sent to shows as
 * the frontend the application asked for. Socket cookies are unique for the
 * boot, so a hit is always one of our translations. Returns
 * NP_SOCK_TRANSLATED when it rewrote the address. */
static __always_inline int np_sock_reverse_v4(struct bpf_sock_addr *ctx)
{
	struct np_sock_rev_key key;
	struct np_rev_nat *frontend;
	__be32 addr;

	np_sock_rev_key_v4(&key, bpf_get_socket_cookie(ctx), ctx->user_ip4, (__be16)ctx->user_port);
	frontend = bpf_map_lookup_elem(&np_sock_rev_v1, &key);
	if (!frontend)
		return NP_SOCK_UNTOUCHED;
	__builtin_memcpy(&addr, frontend->addr, 4);
	ctx->user_ip4 = addr;
	ctx->user_port = (__u32)frontend->port;
	return NP_SOCK_TRANSLATED;
}

/* One syscall in np_stats_v1 (packets += 1, bytes stay 0). An atomic add,
 * unlike the tc programs' plain one: these hooks run in process context
 * with only migration disabled, so on a preemptible kernel another task on
 * this CPU can run the same hook between a load and its store. */
static __always_inline void np_sock_count(__u32 stat)
{
	struct np_counter *c = bpf_map_lookup_elem(&np_stats_v1, &stat);

	if (c)
		__sync_fetch_and_add(&c->packets, 1);
}

/* The single exit of recvmsg4 / getpeername4: they cannot fail their
 * syscall (the verifier accepts a return of 1 only), so they only count. */
static __always_inline int np_sock_reverse_exit(int verdict, __u32 reversed_stat)
{
	if (verdict == NP_SOCK_TRANSLATED)
		np_sock_count(reversed_stat);
	return 1;
}

/* The single exit of connect4 / sendmsg4: counts the translation under the
 * hook's own stat. 1 lets the syscall go on with the address as rewritten.
 * A negative errno fails it with that error: 0 alone would fail it with
 * EPERM, and bpf_set_retval() replaces that. Linux 6.1 offers the helper to
 * these two hooks (cgroup_common_func_proto() refuses it only to the
 * recvmsg, getpeername, getsockname, skb and sock_ops attach types), and
 * the cgroup program runner keeps an error a program set when it returns
 * 0. */
static __always_inline int np_sock_exit(int verdict, __u32 translated_stat)
{
	if (verdict == NP_SOCK_TRANSLATED)
		np_sock_count(translated_stat);
	if (verdict >= 0)
		return 1;
	np_sock_count(NP_STAT_SOCK_REJECTED);
	bpf_set_retval(verdict);
	return 0;
}

#endif /* NODEPLANE_LIB_SOCK_LB_H */
