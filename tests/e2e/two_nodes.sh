#!/usr/bin/env bash
# Two daemons on one machine, each in its own node namespace with its own
# bpffs, control socket and health address, even with the same pod addresses,
# do not see or touch each other's datapath.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init two

for node in node-a node-b; do
  np_node $node
done
np_link_external node-a eth0 192.168.50.2/24 client-a 192.168.50.1/24
np_link_external node-b eth0 192.168.51.2/24 client-b 192.168.51.1/24
# The same pod addresses on both nodes: only per-node state keeps them apart.
np_pod node-a a1 10.200.1.10 np-a
np_pod node-a a2 10.200.1.11 np-b
np_pod node-b b1 10.200.1.10 np-a
np_pod node-b b2 10.200.1.11 np-b
np_snapshot "$NP_WORK/a.toml" node-a 192.168.50.2 10.200.1.0/24 a1:10.200.1.10:np-a a2:10.200.1.11:np-b
np_snapshot "$NP_WORK/b.toml" node-b 192.168.51.2 10.200.1.0/24 b1:10.200.1.10:np-a b2:10.200.1.11:np-b
np_config node-a 192.168.50.2 eth0 "$NP_WORK/a.toml"
np_config node-b 192.168.51.2 eth0 "$NP_WORK/b.toml"
np_daemon_start node-a
np_daemon_start node-b
np_wait_health node-a http://192.168.50.2:10256/healthz 200
np_wait_health node-b http://192.168.51.2:10256/healthz 200

np_tcp_server a2 8080
np_tcp_server b2 8080
np_wait_listen a2 8080
np_wait_listen b2 8080
np_expect_tcp a1 10.200.1.11 8080 a2
np_expect_tcp b1 10.200.1.11 8080 b2

np_log "each daemon reports only its own node"
[[ $(np_status_json node-a .node) == node-a ]] || np_fail "node-a's daemon says it is $(np_status_json node-a .node)"
[[ $(np_status_json node-b .node) == node-b ]] || np_fail "node-b's daemon says it is $(np_status_json node-b .node)"
# Counted per node: pod-to-pod forwards on node-a must not show on node-b.
# (Interface counters are not used here: each kernel sends its own IPv6
# neighbour discovery on the host ends at any time.)
a_fwd=$(np_stat node-a forwarded_local)
b_fwd=$(np_stat node-b forwarded_local)
np_expect_ping a1 10.200.1.11 5
(( $(np_stat node-a forwarded_local) - a_fwd >= 5 )) || np_fail "node-a did not count its own forwards"
[[ $(np_stat node-b forwarded_local) == "$b_fwd" ]] || np_fail "traffic on node-a moved node-b's forwarded_local"

np_log "killing node-a's daemon leaves node-b untouched"
np_daemon_stop node-a KILL
np_expect_tcp b1 10.200.1.11 8080 b2
[[ $(np_http_status node-b http://192.168.51.2:10256/healthz) == 200 ]] || np_fail "node-b unhealthy after node-a's daemon died"
np_expect_tcp a1 10.200.1.11 8080 a2   # node-a's pinned datapath still forwards

np_log "PASS"
