/* Bench only: np_from_pod's service path, on a different flow every run.
 *
 * BPF_PROG_TEST_RUN's `repeat` runs a program many times on ONE skb, and a
 * DNAT rewrites that skb, so repeating the shipped from_pod would time the
 * translated packet's path from the second run on. Each run here first
 * writes the tuple of flow number np_bench_next++ into the frame (client
 * address, client port, frontend address), then does exactly what
 * np_from_pod does, through its own code (lib/from_pod.h) and the datapath's own
 * maps (the harness hands it the pinned ones). So every run is a real first
 * packet (its flow is new) or a real established one (its flow exists), and
 * the runs spread over clients, frontends, backends and conntrack entries
 * like real traffic instead of hitting one hot entry.
 *
 * np_bench_flow_only writes the tuple and returns: the cost of the prelude. */
#include "lib/exit.h"
#include "lib/from_pod.h"
#include "lib/parse.h"

/* The flow space, set before load. Flow f goes from client address
 * client_base + f % clients, port 1024 + f / (clients * frontends) % 64512,
 * to frontend address frontend_base + f / clients % frontends, port
 * frontend_port (the previous run's DNAT left the backend's in the frame).
 * Host order. */
const volatile __u32 np_bench_client_base = 0;
const volatile __u32 np_bench_clients = 1;
const volatile __u32 np_bench_frontend_base = 0;
const volatile __u32 np_bench_frontends = 1;
const volatile __u16 np_bench_frontend_port = 0;

/* Set between measurements through the skeleton's bss. test_run keeps a
 * program on one CPU for all its repetitions, so plain updates are exact. */
__u64 np_bench_next = 0;   /* the next run's flow number */
__u64 np_bench_window = 0; /* 0: every run a new flow; n: flow = next % n, flows that exist */

#define NP_BENCH_FIRST_PORT 1024
#define NP_BENCH_PORTS 64512

/* Writes flow `flow`'s tuple into the frame (untagged Ethernet, IPv4 without
 * options, TCP, as the harness builds it). Checksums are left alone: nothing
 * on the path verifies them, and the helpers update them incrementally. */
static __always_inline int np_bench_write_flow(struct __sk_buff *skb, __u64 flow)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	struct tcphdr *tcp = (void *)(ip + 1);
	__u32 clients = np_bench_clients ? np_bench_clients : 1;
	__u32 frontends = np_bench_frontends ? np_bench_frontends : 1;
	__u32 client = (__u32)(flow % clients);
	__u32 frontend = (__u32)(flow / clients % frontends);
	__u32 port = (__u32)(flow / ((__u64)clients * frontends) % NP_BENCH_PORTS);

	if ((void *)(tcp + 1) > data_end)
		return -1;
	ip->saddr = bpf_htonl(np_bench_client_base + client);
	ip->daddr = bpf_htonl(np_bench_frontend_base + frontend);
	tcp->source = bpf_htons((__u16)(NP_BENCH_FIRST_PORT + port));
	tcp->dest = bpf_htons(np_bench_frontend_port);
	return 0;
}

static __always_inline __u64 np_bench_take_flow(void)
{
	__u64 flow = np_bench_next++;

	return np_bench_window ? flow % np_bench_window : flow;
}

SEC("tc")
int np_bench_service_flow(struct __sk_buff *skb)
{
	struct np_packet pkt = {};
	int l3, verdict;

	if (np_bench_write_flow(skb, np_bench_take_flow()) < 0)
		return TC_ACT_SHOT;
	/* From here on: np_from_pod. */
	l3 = np_parse(skb, &pkt);
	if (l3 < 0)
		verdict = l3;
	else if (l3 == NP_L3_IPV4)
		verdict = np_from_pod_ipv4(skb, &pkt);
	else
		verdict = np_pass_unhandled(&pkt);
	return np_exit(skb, &pkt, NP_DIR_INGRESS, verdict);
}

SEC("tc")
int np_bench_flow_only(struct __sk_buff *skb)
{
	if (np_bench_write_flow(skb, np_bench_take_flow()) < 0)
		return TC_ACT_SHOT;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
