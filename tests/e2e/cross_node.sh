#!/usr/bin/env bash
# Across nodes: two nodes, each running the real daemon in its own namespace,
# share one network (a bridge in a "fabric" namespace, with an outside client
# on it too). Each daemon routes the other node's podCIDR via that node's
# address (proto 167); pods reach pods on the other node under their own
# addresses (ICMP, TCP, UDP, both ways); a ClusterIP whose only endpoint is on
# the other node serves TCP and UDP, its replies carrying the ClusterIP; a node
# that leaves the state takes its route with it; a node on no shared network
# is reported without holding up the rest, and a podCIDR over our own pods is
# never routed. From outside: a NodePort reached on the node without its
# endpoint is masqueraded there and answered from the other node; a
# LoadBalancer IP under externalTrafficPolicy Local is dropped on the node
# without an endpoint and keeps the client's address on the one with it.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init xnode
source "$(dirname "$0")/lib/cluster.sh"

# ---------------------------------------------------------------------------
# One ClusterIP per node whose only endpoint is on the other node.
xn_service web 10.96.0.20 "TCP:80:8080 UDP:53:5353 TCP:90:9090" b2
xn_service api 10.96.0.21 "TCP:80:8080 UDP:53:5353" a2
xn_start_cluster
for pod in a2 b2; do
  np_tcp_server $pod 8080
  xn_udp_server $pod 5353
  xn_peer_server $pod 9090
done
for pod in a2 b2; do for port in 8080 5353 9090; do np_wait_listen $pod $port; done; done

np_log "each daemon routes the other node's podCIDR via its address, and forwards"
xn_expect_route node-a 10.244.2.0/24 192.168.70.3
xn_expect_route node-b 10.244.1.0/24 192.168.70.2
xn_expect_no_route node-a 10.244.1.0/24  # never its own podCIDR
xn_expect_no_route node-b 10.244.2.0/24
for node in node-a node-b; do
  [[ $(np_in $node sysctl -n net.ipv4.ip_forward) == 1 ]] || np_fail "net.ipv4.ip_forward is not 1 on $node"
done

np_log "pod to pod across nodes, both ways (ICMP, TCP, UDP), under the pods' own addresses"
np_expect_ping a1 10.244.2.10
np_expect_ping b1 10.244.1.10
np_expect_tcp a1 10.244.2.11 8080 b2
np_expect_udp a1 10.244.2.11 5353 b2
np_expect_tcp b1 10.244.1.11 8080 a2
np_expect_udp b1 10.244.1.11 5353 a2
got=$(np_tcp_request a1 10.244.2.11 9090)
[[ "$got" == 10.244.1.10 ]] || np_fail "b2 saw a connection from a1 coming from '$got', expected 10.244.1.10 (no NAT between nodes)"
got=$(np_tcp_request b1 10.244.1.11 9090)
[[ "$got" == 10.244.2.10 ]] || np_fail "a2 saw a connection from b1 coming from '$got', expected 10.244.2.10"

np_log "a ClusterIP whose only endpoint is on the other node (TCP, UDP, both ways)"
np_expect_tcp a1 10.96.0.20 80 b2  # the handshake completes only if the SYN-ACK comes from the ClusterIP
np_expect_udp a1 10.96.0.20 53 b2  # a connected UDP socket takes replies from the ClusterIP only
np_expect_tcp b1 10.96.0.21 80 a2
np_expect_udp b1 10.96.0.21 53 a2
got=$(xn_udp_reply_source a1 10.96.0.20 53)
[[ "$got" == 10.96.0.20:53 ]] || np_fail "a1's UDP reply from service web came from '$got', expected 10.96.0.20:53"
got=$(xn_udp_reply_source b1 10.96.0.21 53)
[[ "$got" == 10.96.0.21:53 ]] || np_fail "b1's UDP reply from service api came from '$got', expected 10.96.0.21:53"
got=$(np_tcp_request a1 10.96.0.20 90)
[[ "$got" == 10.244.1.10 ]] || np_fail "b2 saw a1's ClusterIP connection coming from '$got', expected 10.244.1.10"

np_log "an outside host on the fabric that routes each podCIDR to its node reaches pods on both"
np_in client ip route add 10.244.1.0/24 via "${XN_NODE_IP[node-a]}"
np_in client ip route add 10.244.2.0/24 via "${XN_NODE_IP[node-b]}"
np_expect_ping client 10.244.1.10
np_expect_ping client 10.244.2.10
np_expect_tcp client 10.244.2.11 8080 b2
got=$(np_tcp_request client 10.244.1.11 9090)
[[ "$got" == "$XN_CLIENT_IP" ]] || np_fail "a2 saw the client coming from '$got', expected $XN_CLIENT_IP"

np_log "NodePort across nodes: the client reaches node-a, the endpoint on node-b sees node-a (masqueraded)"
xn_service edge 10.96.0.22 "TCP:80:9090:30090 TCP:81:8080:30081" b2 'type = "NodePort"'
xn_service edge-local 10.96.0.23 "TCP:80:9090:30091" b2 'type = "LoadBalancer"\nloadBalancerIPs = ["198.51.100.50"]\nexternalTrafficPolicy = "Local"\nhealthCheckNodePort = 32050'
xn_apply node-a node-b
np_expect_tcp client "${XN_NODE_IP[node-a]}" 30081 b2
got=$(np_tcp_request client "${XN_NODE_IP[node-a]}" 30090)
[[ "$got" == "${XN_NODE_IP[node-a]}" ]] ||
  np_fail "b2 saw the NodePort client via node-a coming from '$got', expected node-a's ${XN_NODE_IP[node-a]}"
got=$(np_tcp_request client "${XN_NODE_IP[node-b]}" 30090)
[[ "$got" == "$XN_CLIENT_IP" ]] ||
  np_fail "b2 saw the NodePort client via its own node coming from '$got', expected the client $XN_CLIENT_IP"

np_log "LoadBalancer with externalTrafficPolicy Local: dropped on the node without the endpoint, client kept on the other"
np_in client ip route add 198.51.100.50/32 via "${XN_NODE_IP[node-a]}"
got=$(np_tcp_request client 198.51.100.50 80)
[[ -z "$got" ]] || np_fail "eTP Local via node-a (no local endpoint) answered '$got', expected nothing"
np_in client ip route replace 198.51.100.50/32 via "${XN_NODE_IP[node-b]}"
got=$(np_tcp_request client 198.51.100.50 80)
[[ "$got" == "$XN_CLIENT_IP" ]] || np_fail "eTP Local via node-b answered '$got', expected the client's own $XN_CLIENT_IP"

np_log "node-b leaves node-a's state: node-a's route to its podCIDR goes, nothing else"
XN_LISTED=(node-a)
xn_apply node-a
xn_expect_no_route node-a 10.244.2.0/24
np_in node-a ip -4 route show proto 167 exact 10.244.1.10/32 | grep -q 'dev np-a1' ||
  np_fail "node-a lost its pod route for a1: $(np_in node-a ip -4 route)"
xn_expect_route node-b 10.244.1.0/24 192.168.70.2  # node-b's own state did not change
np_expect_no_ping a1 10.244.2.10
np_expect_ping a1 10.244.1.11  # pods on node-a are not affected

np_log "node-b back in node-a's state: routed again"
XN_LISTED=(node-a node-b)
xn_apply node-a
xn_expect_route node-a 10.244.2.0/24 192.168.70.3
np_expect_ping a1 10.244.2.10

np_log "a node on no shared network is reported, the rest still routes; an overlapping podCIDR is not routed"
XN_NODE_IP[node-c]=172.31.0.3     # on no network node-a is connected to
XN_NODE_CIDR[node-c]=10.244.3.0/24
XN_NODE_IP[node-d]=192.168.70.9
XN_NODE_CIDR[node-d]=10.244.0.0/16  # would cover node-a's own pods
XN_LISTED=(node-a node-b node-c node-d)
xn_apply node-a
xn_expect_no_route node-a 10.244.3.0/24
xn_expect_no_route node-a 10.244.0.0/16
xn_expect_route node-a 10.244.2.0/24 192.168.70.3
want="Failed to route podCIDR 10.244.3.0/24 of node 'node-c' via 172.31.0.3: the gateway is on no network this node is directly connected to"
grep -qF "$want" "$NP_WORK/node-a-daemon.log" || np_fail "node-a's log does not say: $want"
np_expect_tcp a1 10.244.2.11 8080 b2
[[ $(np_http_status node-a "$(xn_healthz node-a)") == 200 ]] || np_fail "node-a unhealthy after an unreachable node joined"

np_log "PASS"
