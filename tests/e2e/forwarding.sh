#!/usr/bin/env bash
# Pod-to-pod, node-to-pod and pod-to-node traffic through the datapath, with
# the datapath's own counters as proof that packets went through it, and a
# spoofed source dropped by it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init fwd

np_single_node_setup a b
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "the daemon set forwarding and routed each pod through its host end"
[[ $(np_in node-a sysctl -n net.ipv4.ip_forward) == 1 ]] || np_fail "net.ipv4.ip_forward is not 1 in the node"
np_in node-a ip route show 10.200.1.10/32 | grep -q 'dev np-a' || np_fail "no host route for pod a: $(np_in node-a ip route)"
np_in node-a ip route show 10.200.1.11/32 | grep -q 'dev np-b' || np_fail "no host route for pod b"

np_log "programs are attached where the status says"
for ifname in np-a np-b eth0; do
  programs=$(np_iface node-a $ifname programs | tr -d '\n ')
  [[ -n "$programs" && "$programs" != null && "$programs" != "[]" ]] || np_fail "no programs attached to $ifname: $programs"
done
np_in node-a tc filter show dev np-a ingress | grep -q 'from_pod' || np_fail "from_pod not on np-a ingress: $(np_in node-a tc filter show dev np-a ingress)"
np_in node-a tc filter show dev np-a egress | grep -q 'to_pod' || np_fail "to_pod not on np-a egress"

local_before=$(np_stat node-a forwarded_local)
a_rx_before=$(np_iface node-a np-a rxPackets)

np_log "pod to pod (ICMP, TCP, UDP)"
np_expect_ping a 10.200.1.11 5
np_expect_ping b 10.200.1.10 2
np_tcp_server b 8080
np_udp_server b 5353
np_wait_listen b 8080
np_wait_listen b 5353
np_expect_tcp a 10.200.1.11 8080 b
np_expect_udp a 10.200.1.11 5353 b

np_log "node to pod and pod to node"
np_expect_ping node-a 10.200.1.10 3
np_expect_tcp node-a 10.200.1.11 8080 b
np_tcp_server node-a 9000
np_wait_listen node-a 9000
np_expect_tcp a $NODE_IP 9000 node-a
np_expect_ping a $NODE_IP 2

np_log "the datapath counted it"
local_after=$(np_stat node-a forwarded_local)
a_rx_after=$(np_iface node-a np-a rxPackets)
(( local_after - local_before >= 5 )) || np_fail "forwarded_local moved by $((local_after - local_before)), expected >= 5 (5 echo requests a->b)"
(( a_rx_after - a_rx_before >= 10 )) || np_fail "np-a rxPackets moved by $((a_rx_after - a_rx_before)), expected >= 10"
[[ $(np_iface node-a np-b txPackets) -ge 5 ]] || np_fail "np-b txPackets below 5"

np_log "a pod cannot use another pod's address"
spoof_before=$(np_stat node-a drop_spoofed_source)
np_in a ip addr add 10.200.1.11/32 dev eth0
! np_in a ping -n -q -c 2 -i 0.2 -W 1 -I 10.200.1.11 $NODE_IP >/dev/null 2>&1 || np_fail "a spoofed ping from pod a was answered"
spoof_after=$(np_stat node-a drop_spoofed_source)
(( spoof_after - spoof_before >= 2 )) || np_fail "drop_spoofed_source moved by $((spoof_after - spoof_before)), expected >= 2"
np_in a ip addr del 10.200.1.11/32 dev eth0

np_log "PASS"
