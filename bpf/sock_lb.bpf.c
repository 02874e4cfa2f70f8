/* cgroup socket hooks: the node's own connections to internal IPv4 service
 * frontends (kubelet, host-network pods) go straight to a backend, chosen at
 * connect() (TCP, connected UDP) or sendmsg() (unconnected UDP); replies
 * (recvmsg) and getpeername() show the frontend the application asked for.
 * Pods' sockets pass untouched: from_pod translates their packets. Each hook
 * counts what it did in np_stats_v1 (the NP_STAT_SOCK_* stats). */
#include "lib/sock_lb.h"

SEC("cgroup/connect4")
int np_sk_connect4(struct bpf_sock_addr *ctx)
{
	return np_sock_exit(np_sock_translate_v4(ctx), NP_STAT_SOCK_CONNECT_TRANSLATED);
}

SEC("cgroup/sendmsg4")
int np_sk_sendmsg4(struct bpf_sock_addr *ctx)
{
	return np_sock_exit(np_sock_translate_v4(ctx), NP_STAT_SOCK_SENDMSG_TRANSLATED);
}

SEC("cgroup/recvmsg4")
int np_sk_recvmsg4(struct bpf_sock_addr *ctx)
{
	return np_sock_reverse_exit(np_sock_reverse_v4(ctx), NP_STAT_SOCK_RECVMSG_REVERSED);
}

SEC("cgroup/getpeername4")
int np_sk_peername4(struct bpf_sock_addr *ctx)
{
	return np_sock_reverse_exit(np_sock_reverse_v4(ctx), NP_STAT_SOCK_PEERNAME_REVERSED);
}
