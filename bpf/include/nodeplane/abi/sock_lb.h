/* Socket-level service translation for the node's own sockets (the cgroup
 * connect4 / sendmsg4 / recvmsg4 / getpeername4 programs): the reverse map
 * from a translated socket's backend back to its frontend (np_sock_rev_v1,
 * written by the datapath) and the configuration the daemon writes at start
 * (np_sock_lb_config_v1). See bpf/README.md, "The node's own connections". */
#ifndef NODEPLANE_ABI_SOCK_LB_H
#define NODEPLANE_ABI_SOCK_LB_H

#include "nodeplane/abi/common.h"

/* np_sock_rev_v1 key: one backend a socket was sent to instead of a
 * frontend. The value is a struct np_rev_nat (services.h): the frontend the
 * application asked for. Every byte is hashed: pads and the unused 12 bytes
 * of an IPv4 address are 0. */
struct np_sock_rev_key {
	__u64 cookie;  /* bpf_get_socket_cookie(): unique per socket for the boot */
	__u8 family;   /* enum np_family */
	__u8 pad;
	__be16 port;   /* the backend's port, network order */
	__u32 pad2;
	__u8 addr[16]; /* the backend's address, network order */
};

/* np_sock_lb_config_v1 value, at index NP_SOCK_LB_CONFIG_KEY of a one-entry
 * array. */
struct np_sock_lb_config {
	/* The network namespace whose sockets are translated: the daemon's
	 * (the node's), as getsockopt(SO_NETNS_COOKIE) reports it. Pods have
	 * their own namespaces and are translated at tc (from_pod); a second
	 * translation at their sockets would hide the frontend from
	 * conntrack. 0 (never written) translates nothing. */
	__u64 node_netns_cookie;
};

#define NP_SOCK_LB_CONFIG_KEY 0

#endif /* NODEPLANE_ABI_SOCK_LB_H */
