#!/usr/bin/env bash
# Services from outside the node through the real daemon: a client on the
# node's external network reaches a NodePort, a LoadBalancer IP and an
# external IP (TCP and UDP), keeps its own address at a local backend,
# loadBalancerSourceRanges admit only their clients, externalTrafficPolicy
# Local drops without a local endpoint, an endpoint removed under an open
# connection resets it, UDP survives scale to zero and back, and a pod
# reaching itself through its service is answered (hairpin).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init ext

np_single_node_setup a b c
CLIENT=192.168.50.1
LB_IP=198.51.100.10
EXTERNAL_IP=198.51.100.20
RANGED_LB_IP=198.51.100.30
LOCAL_LB_IP=198.51.100.40
# The client reaches the service addresses through the node, as a router
# (or a load balancer) in front of it would send them. A second client
# address stands for a network the source ranges admit.
np_in client ip route add 198.51.100.0/24 via $NODE_IP
np_in client ip addr add 192.168.60.5/32 dev eth0
np_in node-a ip route add 192.168.60.5/32 via $CLIENT

# Servers that say who they are and whom they see.
for p in a b c; do
  np_bg ip netns exec "$(np_ns $p)" socat -T 10 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo '$p' $SOCAT_PEERADDR; cat' 2>/dev/null
  np_bg ip netns exec "$(np_ns $p)" socat -T 2 UDP-LISTEN:5353,reuseaddr,fork SYSTEM:'read -r _; echo '$p' $SOCAT_PEERADDR' 2>/dev/null
done
for p in a b c; do np_wait_listen $p 8080; done

# endpoints_toml <slice-name> <service> <ip:node>...
endpoints_toml() {
  local slice=$1 service=$2; shift 2
  cat <<TOML

[[endpointSlices]]
namespace = "e2e"
name = "$slice"
service = "$service"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }, { name = "dns", port = 5353, protocol = "UDP" },
         { name = "closed", port = 5454, protocol = "UDP" }]
TOML
  printf 'endpoints = [\n'
  local spec ip node
  for spec in "$@"; do
    IFS=: read -r ip node <<<"$spec"
    printf '  { addresses = ["%s"], conditions = { ready = true }, nodeName = "%s" },\n' "$ip" "$node"
  done
  printf ']\n'
}

# write_state "<web endpoints>" : web (NodePort, LB, externalIP, eTP Cluster),
# ranged (LB with source ranges), local-only (LB, eTP Local, endpoint on
# another node), self (ClusterIP whose only endpoint is pod a).
write_state() {
  np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B" "$POD_C"
  {
    cat <<TOML

[[nodes]]
name = "node-b"
addresses = ["192.168.50.3"]
podCIDRs = ["10.200.2.0/24"]

[[services]]
namespace = "e2e"
name = "web"
type = "LoadBalancer"
clusterIPs = ["10.96.0.10"]
externalIPs = ["$EXTERNAL_IP"]
loadBalancerIPs = ["$LB_IP"]
externalTrafficPolicy = "Cluster"
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = "http", nodePort = 30080 },
         { name = "dns", protocol = "UDP", port = 53, targetPort = "dns", nodePort = 30053 },
         { name = "closed", protocol = "UDP", port = 54, targetPort = "closed", nodePort = 30054 }]

[[services]]
namespace = "e2e"
name = "ranged"
type = "LoadBalancer"
clusterIPs = ["10.96.0.11"]
loadBalancerIPs = ["$RANGED_LB_IP"]
loadBalancerSourceRanges = ["192.168.60.0/24"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080, nodePort = 30081 }]

[[services]]
namespace = "e2e"
name = "local-only"
type = "LoadBalancer"
clusterIPs = ["10.96.0.12"]
loadBalancerIPs = ["$LOCAL_LB_IP"]
externalTrafficPolicy = "Local"
healthCheckNodePort = 32000
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080, nodePort = 30082 }]

[[services]]
namespace = "e2e"
name = "self"
clusterIPs = ["10.96.0.13"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080 }]
TOML
    endpoints_toml web-1 web "$@"
    endpoints_toml ranged-1 ranged 10.200.1.12:node-a
    endpoints_toml local-only-1 local-only 10.200.2.20:node-b
    endpoints_toml self-1 self 10.200.1.10:node-a
  } >> "$SNAPSHOT.new"
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

# tcp_from <ns> <ip> <port> [socat address options]: the first answer line.
tcp_from() {
  { echo hi | np_in "$1" socat -T 2 - "TCP:$2:$3,connect-timeout=2${4:+,$4}" 2>/dev/null | head -n 1; } || true
}
udp_from() {
  { echo hi | np_in "$1" socat -T 2 - "UDP:$2:$3${4:+,$4}" 2>/dev/null | head -n 1; } || true
}

write_state 10.200.1.11:node-a 10.200.1.12:node-a
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "NodePort, LoadBalancer IP and external IP answer outside clients, who keep their address"
for target in "$NODE_IP 30080" "$LB_IP 80" "$EXTERNAL_IP 80"; do
  set -- $target
  got=$(tcp_from client "$1" "$2")
  [[ "$got" == "b $CLIENT" || "$got" == "c $CLIENT" ]] ||
    np_fail "TCP client -> $1:$2 answered '$got', expected 'b $CLIENT' or 'c $CLIENT'"
done
got=$(udp_from client $NODE_IP 30053)
[[ "$got" == "b $CLIENT" || "$got" == "c $CLIENT" ]] || np_fail "UDP client -> NodePort answered '$got'"
seen=$(for _ in $(seq 20); do tcp_from client $NODE_IP 30080; done | awk '{print $1}' | sort -u | tr '\n' ' ')
[[ "$seen" == "b c " ]] || np_fail "20 NodePort connections were answered by '$seen', expected 'b c '"
(( $(np_stat node-a forwarded_routed) > 0 )) || np_fail "replies to the outside were not routed by the datapath"

np_log "a backend's port unreachable reaches the outside client as the NodePort's (ICMP translated)"
out=$(echo hi | np_in client socat -T 2 - UDP:$NODE_IP:30054 2>&1 || true)
[[ "$out" == *"Connection refused"* ]] || np_fail "UDP to a closed backend port said '$out', expected Connection refused"

np_log "loadBalancerSourceRanges: only clients in the ranges get through"
got=$(tcp_from client $RANGED_LB_IP 80)
[[ -z "$got" ]] || np_fail "a client outside the source ranges got '$got'"
got=$(tcp_from client $RANGED_LB_IP 80 bind=192.168.60.5)
[[ "$got" == "c 192.168.60.5" ]] || np_fail "a client inside the source ranges got '$got', expected 'c 192.168.60.5'"
(( $(np_stat node-a drop_source_range_denied) >= 1 )) || np_fail "the refused client was not counted as source_range_denied"

np_log "externalTrafficPolicy Local without a local endpoint: dropped here"
got=$(tcp_from client $LOCAL_LB_IP 80)
[[ -z "$got" ]] || np_fail "eTP Local on a node without its endpoints answered '$got'"
(( $(np_stat node-a drop_no_backend) >= 1 )) || np_fail "the eTP Local packet was not counted as no_backend"

np_log "hairpin: pod a reaches itself through its service"
got=$(tcp_from a 10.96.0.13 80)
[[ "$got" == "a $NODE_IP" ]] || np_fail "pod a -> its own service answered '$got', expected 'a $NODE_IP' (masqueraded)"

np_log "an endpoint removed under an open connection resets it"
write_state 10.200.1.11:node-a
np_wait_generation node-a 2
# -d: socat reports a reset read as a warning, silent by default.
coproc CONN { ip netns exec "$(np_ns client)" socat -d -T 10 - TCP:$NODE_IP:30080 2>&1; }
conn_pid=$CONN_PID
# Own copies of the pipes: bash closes the coproc's when it exits, and
# this one is meant to exit (reset) while we still read what it said.
exec {conn_out}<&"${CONN[0]}" {conn_in}>&"${CONN[1]}"
echo first >&$conn_in
read -r -t 3 who <&$conn_out || np_fail "no answer on the long-lived NodePort connection"
[[ "$who" == "b $CLIENT" ]] || np_fail "the long-lived connection was answered by '$who', expected 'b $CLIENT'"
read -r -t 3 _ <&$conn_out || true
write_state 10.200.1.12:node-a
np_wait_generation node-a 3
start=$(date +%s%N)
echo second >&$conn_in 2>/dev/null || true
rest=$(timeout 5 cat <&$conn_out || true)
exec {conn_out}<&- {conn_in}>&-
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ "$rest" == *"Connection reset by peer"* ]] || np_fail "after its endpoint went, the connection said '$rest', expected a reset"
(( elapsed_ms < 3000 )) || np_fail "the reset took ${elapsed_ms} ms"
wait "$conn_pid" 2>/dev/null || true

np_log "UDP: scale to zero refuses, scale back serves the same client flow again"
got=$(udp_from client $NODE_IP 30053 sourceport=41000)
[[ "$got" == "c $CLIENT" ]] || np_fail "UDP before scaling to zero answered '$got', expected 'c $CLIENT'"
write_state
np_wait_generation node-a 4
out=$(echo hi | np_in client socat -T 2 - UDP:$NODE_IP:30053,sourceport=41000 2>&1 || true)
[[ "$out" == *"Connection refused"* ]] || np_fail "UDP to a NodePort without endpoints said '$out', expected Connection refused"
write_state 10.200.1.11:node-a
np_wait_generation node-a 5
got=$(udp_from client $NODE_IP 30053 sourceport=41000)
[[ "$got" == "b $CLIENT" ]] || np_fail "UDP after scaling back answered '$got', expected 'b $CLIENT' (a stale flow?)"

np_log "PASS"
