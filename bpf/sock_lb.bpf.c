/* cgroup socket hooks: the node's own connections to internal IPv4 service
 * frontends (kubelet, host-network pods) go straight to a backend, chosen at
 * connect() (TCP, connected UDP) or sendmsg() (unconnected UDP); replies
 * (recvmsg) and getpeername() show the frontend the application asked for.
 * Pods' sockets pass untouched: from_pod translates their packets. */
#include "lib/sock_lb.h"

SEC("cgroup/connect4")
int np_sk_connect4(struct bpf_sock_addr *ctx)
{
	return np_sock_exit(np_sock_translate_v4(ctx));
}

SEC("cgroup/sendmsg4")
int np_sk_sendmsg4(struct bpf_sock_addr *ctx)
{
	return np_sock_exit(np_sock_translate_v4(ctx));
}

/* recvmsg4 and getpeername4 cannot fail their syscall: the verifier accepts
 * a return of 1 only. */
SEC("cgroup/recvmsg4")
int np_sk_recvmsg4(struct bpf_sock_addr *ctx)
{
	np_sock_reverse_v4(ctx);
	return 1;
}

SEC("cgroup/getpeername4")
int np_sk_peername4(struct bpf_sock_addr *ctx)
{
	np_sock_reverse_v4(ctx);
	return 1;
}
