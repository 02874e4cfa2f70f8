#!/usr/bin/env bash
# Across nodes, while the state changes under live traffic (two nodes, each
# running the real daemon, with every backend on node-b and every client
# entering at node-a):
# - loadBalancerSourceRanges: a client inside the ranges reaches a
#   LoadBalancer IP, one outside gets no answer and is counted as
#   source_range_denied; a snapshot rewrite that changes the ranges flips
#   both verdicts.
# - an endpoint removed from both nodes' snapshots under an open TCP
#   connection (one from a pod through a ClusterIP, one from outside through
#   a NodePort): the client's next send is answered with a reset, at once,
#   and new connections go to the endpoint that remains.
# - UDP scaled to zero and back: one client socket talking to a ClusterIP is
#   refused (ICMP port unreachable, ECONNREFUSED) while there is no endpoint,
#   and the same socket reaches the new endpoint, on another pod, when one
#   comes back.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init xchg
source "$(dirname "$0")/lib/cluster.sh"

NODE_A=${XN_NODE_IP[node-a]}
LB_IP=198.51.100.60
RANGED_CLIENT=192.168.80.5  # a second client address, on a network of its own
RANGED_EXTRA='type = "LoadBalancer"\nloadBalancerIPs = ["198.51.100.60"]\nexternalTrafficPolicy = "Cluster"'

# ranged_service <cidr>: the LoadBalancer admitting <cidr> only.
ranged_service() {
  xn_service_drop ranged
  xn_service ranged 10.96.0.40 "TCP:80:9090" b2 "$RANGED_EXTRA\\nloadBalancerSourceRanges = [\"$1\"]"
}
web_service() { xn_service_drop web; xn_service web 10.96.0.41 "TCP:80:8080" "$*"; }
edge_service() { xn_service_drop edge; xn_service edge 10.96.0.42 "TCP:80:8081:30181" "$*" 'type = "NodePort"'; }
dns_service() { xn_service_drop dns; xn_service dns 10.96.0.43 "UDP:53:5353" "$*"; }

ranged_service 192.168.80.0/24
web_service b1 b2
edge_service b1 b2
dns_service b2
xn_start_cluster
# udp_server <pod> <port>: answers every datagram with the pod's name.
# UDP-RECVFROM forks per datagram: UDP-LISTEN would hand the client's
# address to one child for its -T seconds, and that child answers once.
udp_server() {
  np_bg ip netns exec "$(np_ns "$1")" socat -T 1 UDP-RECVFROM:"$2",reuseaddr,fork SYSTEM:"read -r _; echo $1" 2>/dev/null
}
for pod in b1 b2; do
  xn_named_server $pod 8080
  xn_named_server $pod 8081
  udp_server $pod 5353
done
xn_peer_server b2 9090
for pod in b1 b2; do for port in 8080 8081 5353; do np_wait_listen $pod $port; done; done
np_wait_listen b2 9090

# The client sends the LoadBalancer IP to node-a (as a router in front of
# the cluster would); node-a routes the second client network back to it.
np_in client ip route add $LB_IP/32 via "$NODE_A"
np_in client ip addr add $RANGED_CLIENT/32 dev eth0
np_in node-a ip route add $RANGED_CLIENT/32 via "$XN_CLIENT_IP"

# lb_request [bind-address]: what b2 saw as the source of the client's
# connection to the LoadBalancer IP, empty when nothing answered.
lb_request() {
  { echo hi | np_in client socat -T 2 - "TCP:$LB_IP:80,connect-timeout=2${1:+,bind=$1}" 2>/dev/null | head -n 1; } || true
}

# expect_lb <client-address> admitted|denied: one connection from that
# client address, and the node-a drop counter moving only for a denial.
expect_lb() {
  local from=$1 verdict=$2 bind="" before got after
  [[ $from == "$XN_CLIENT_IP" ]] || bind=$from
  before=$(np_stat node-a drop_source_range_denied)
  got=$(lb_request "$bind")
  after=$(np_stat node-a drop_source_range_denied)
  if [[ $verdict == admitted ]]; then
    # eTP Cluster, remote backend: masqueraded to node-a on its way to node-b.
    [[ "$got" == "$NODE_A" ]] ||
      np_fail "client $from -> $LB_IP:80 (in the source ranges) got '$got', expected b2 to see node-a's $NODE_A"
    ((after == before)) || np_fail "an admitted client moved source_range_denied from $before to $after"
  else
    [[ -z "$got" ]] || np_fail "client $from -> $LB_IP:80 (outside the source ranges) got an answer: '$got'"
    ((after > before)) || np_fail "the denied client $from was not counted as source_range_denied (still $before)"
  fi
}

np_log "loadBalancerSourceRanges via node-a, backend on node-b: only clients in the ranges get through"
expect_lb $RANGED_CLIENT admitted
expect_lb "$XN_CLIENT_IP" denied

np_log "the ranges change by a snapshot rewrite: the verdicts flip"
ranged_service 192.168.70.0/24
xn_apply node-a node-b
expect_lb "$XN_CLIENT_IP" admitted
expect_lb $RANGED_CLIENT denied

# ---------------------------------------------------------------------------
# A long-lived connection: socat reads its input from a FIFO held open here,
# and writes what it receives (and, with -d, a reset as a warning) to a file.
# conn_open <name> <from> <socat-address>; the server's first line names it.
declare -A CONN_FD=() CONN_PID=()
conn_open() {
  local name=$1 from=$2 address=$3 fd
  mkfifo "$NP_WORK/$name.in"
  # Backgrounded with its redirections, so the child, not this shell, waits
  # on the FIFO for a writer.
  ip netns exec "$(np_ns "$from")" socat -d -T 20 - "$address" <"$NP_WORK/$name.in" >"$NP_WORK/$name.out" 2>&1 &
  NP_PIDS+=($!)
  CONN_PID[$name]=$!
  exec {fd}>"$NP_WORK/$name.in"
  CONN_FD[$name]=$fd
  echo first >&"$fd"
  for _ in $(seq 30); do
    [[ $(wc -l <"$NP_WORK/$name.out") -ge 2 ]] && break  # the server's name, then "first" echoed
    sleep 0.1
  done
  [[ $(sed -n 2p "$NP_WORK/$name.out") == first ]] ||
    np_fail "the long-lived connection $name did not echo: $(cat "$NP_WORK/$name.out")"
}
conn_server() { head -n 1 "$NP_WORK/$1.out" | awk '{print $1}'; }

# conn_expect_reset <name>: the next send is answered with a reset within
# 3 s; socat then exits, having said so.
conn_expect_reset() {
  local name=$1 pid=${CONN_PID[$1]} start elapsed_ms
  start=$(date +%s%N)
  echo second 1>&"${CONN_FD[$name]}" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  kill -0 "$pid" 2>/dev/null && np_fail "$name still open 5 s after its endpoint went, expected a reset: $(cat "$NP_WORK/$name.out")"
  grep -q "Connection reset by peer" "$NP_WORK/$name.out" ||
    np_fail "after its endpoint went, $name ended without a reset: $(cat "$NP_WORK/$name.out")"
  grep -qx second "$NP_WORK/$name.out" && np_fail "the old endpoint still echoed on $name"
  (( elapsed_ms < 3000 )) || np_fail "the reset of $name took ${elapsed_ms} ms"
  eval "exec ${CONN_FD[$name]}>&-"
}

other_of() { [[ $1 == b1 ]] && echo b2 || echo b1; }

np_log "endpoints removed under open connections: a1 -> ClusterIP, client -> NodePort on node-a"
conn_open cip a1 TCP:10.96.0.41:80
conn_open np client "TCP:$NODE_A:30181"
cip_old=$(conn_server cip)
np_old=$(conn_server np)
[[ $cip_old == b[12] && $np_old == b[12] ]] || np_fail "long-lived connections answered by '$cip_old' and '$np_old', expected b1 or b2"
cip_left=$(other_of "$cip_old")
np_left=$(other_of "$np_old")
web_service "$cip_left"
edge_service "$np_left"
xn_apply node-a node-b
conn_expect_reset cip
conn_expect_reset np

np_log "new connections go to the endpoints that remain"
for _ in 1 2 3 4; do
  got=$(np_tcp_request a1 10.96.0.41 80 | awk '{print $1}')
  [[ "$got" == "$cip_left" ]] || np_fail "a new ClusterIP connection was answered by '$got', expected $cip_left"
  got=$(np_tcp_request client "$NODE_A" 30181 | awk '{print $1}')
  [[ "$got" == "$np_left" ]] || np_fail "a new NodePort connection was answered by '$got', expected $np_left"
done

# ---------------------------------------------------------------------------
# One UDP socket for the whole scenario: bash's /dev/udp is a connected
# socket, which sees an ICMP port unreachable as ECONNREFUSED on its next
# read and stays usable after it (socat would exit on that error). For each input line the session sends one
# datagram and prints "answer <text>", "error <message>" or "timeout".
np_log "UDP: one client socket through scale to zero and back, to another pod"
mkfifo "$NP_WORK/udp.in"
ip netns exec "$(np_ns a1)" bash -c '
  exec 3<>/dev/udp/10.96.0.43/53 || exit 1
  while IFS= read -r line; do
    printf "%s\n" "$line" >&3 2>/dev/null || { echo "error send"; continue; }
    # dd: one read() takes one whole datagram (bash read takes one byte
    # and would lose the rest of it).
    rc=0
    answer=$(timeout 2 dd bs=512 count=1 status=none <&3 2>"$0") || rc=$?
    if ((rc == 0)); then echo "answer $answer"
    elif ((rc == 124)); then echo timeout
    else echo "error $(cat "$0")"
    fi
  done' "$NP_WORK/udp.err" <"$NP_WORK/udp.in" >"$NP_WORK/udp.out" &
NP_PIDS+=($!)
exec {udp_fd}>"$NP_WORK/udp.in"
# udp_send: one exchange on the session; its result line in $udp_got. (Not
# a command substitution: the line count must survive the call.)
udp_lines=0
udp_got=""
udp_send() {
  echo query >&"$udp_fd"
  udp_lines=$((udp_lines + 1))
  for _ in $(seq 40); do
    [[ $(wc -l <"$NP_WORK/udp.out") -ge $udp_lines ]] && break
    sleep 0.1
  done
  udp_got=$(sed -n "${udp_lines}p" "$NP_WORK/udp.out")
}
src_port() { np_in a1 ss -Hun "dst 10.96.0.43:53" | awk '{print $4}'; }

udp_send
[[ "$udp_got" == "answer b2" ]] || np_fail "the UDP session's first exchange gave '$udp_got', expected 'answer b2'"
socket=$(src_port)
[[ -n "$socket" ]] || np_fail "no UDP socket of a1 towards 10.96.0.43:53"

rejected_before=$(np_stat node-a service_rejected)
dns_service ""
xn_apply node-a node-b
udp_send
[[ "$udp_got" == *"Connection refused"* ]] || np_fail "at zero endpoints the UDP session got '$udp_got', expected Connection refused"
rejected=$(( $(np_stat node-a service_rejected) - rejected_before ))
((rejected == 1)) || np_fail "node-a counted $rejected service_rejected for one datagram at zero endpoints, expected 1"

dns_service b1
xn_apply node-a node-b
udp_send
[[ "$udp_got" == "answer b1" ]] || np_fail "after scaling back to b1 the same UDP socket got '$udp_got', expected 'answer b1' (a stale flow?)"
[[ "$(src_port)" == "$socket" ]] || np_fail "the UDP session's socket changed from $socket to $(src_port)"
udp_send
[[ "$udp_got" == "answer b1" ]] || np_fail "the second exchange after scaling back gave '$udp_got', expected 'answer b1'"
eval "exec ${udp_fd}>&-"

np_log "PASS"
