/* The benchmark baseline: a tc program that does nothing. Running it under
 * BPF_PROG_TEST_RUN next to a real program measures the fixed cost of the
 * test run itself, so results are reported as ratios over this. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_helpers.h>

SEC("tc")
int np_bench_empty(struct __sk_buff *skb)
{
	(void)skb;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
