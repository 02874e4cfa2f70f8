#!/usr/bin/env bash
# A node shutdown behind a load balancer loses no connection. Two nodes, a
# NodePort service (externalTrafficPolicy Cluster), and np-sim-lb in front
# of them as a cloud load balancer would be: /healthz every 500 ms, a node
# down after 2 failed checks, new connections round robin over the nodes
# that are up, a 1 s deregistration delay that then closes a down node's
# proxied connections gracefully. A client behind the LB opens new
# connections every 50 ms on two targets and holds a long-lived one on each
# (both proxied through node-a: the probe opens them first, the round robin
# starts there). The service has endpoints on both nodes (a1 on node-a, b1
# and b2 on node-b) throughout. Then node-a shuts down as a real node does:
# kubelet drains it, so a1 turns terminating (ready=false, serving=true) in
# the snapshots of both nodes; SIGTERM to its daemon (drain 4 s: /healthz
# 503, forwarding goes on); the daemon exits; the node powers off (its links
# go, taking the datapath with them).
#
# A second NodePort service, solo, has a1 only when a long-lived connection
# through node-b opens (so it is pinned to a1 across nodes); a1 turning
# terminating and b1 joining must leave that connection alone (kube-proxy
# keeps a terminating endpoint's established flows) while new connections
# go to b1 only.
#
# Holds: no new connection fails; the connection pinned to terminating a1
# keeps exchanging; the long-lived connections through node-a are closed
# gracefully by the LB's deregistration delay before the power-off and
# opened again through node-b. Prints the figures: SIGTERM to /healthz 503,
# to the LB marking node-a down, to the daemon's exit, connections attempted
# and failed.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/cluster.sh"
source "$(dirname "$0")/../lib/probe.sh"
: "${NP_SIM_LB:?path to np-sim-lb}"
np_init lb

LB_IP=192.168.70.50
LB_PORT=8000
DRAIN_SECONDS=4

# Pods kubelet is shutting down: their endpoints are written ready=false,
# serving=true, terminating=true in every slice. lib/cluster.sh writes every
# endpoint Ready; this wraps its slice writer.
declare -A LB_TERMINATING=()
eval "$(declare -f xn_service_toml | sed '1s/^xn_service_toml/lb_ready_service_toml/')"
xn_service_toml() {
  local out pod
  out=$(lb_ready_service_toml "$1")
  for pod in "${!LB_TERMINATING[@]}"; do
    out=$(sed "/name = \"$pod\" }/s/conditions = { ready = true }/conditions = { ready = false, serving = true, terminating = true }/" <<<"$out")
  done
  printf '%s\n' "$out"
}

xn_service web 10.96.0.10 "TCP:80:8080:30080" "a1 b1 b2" 'type = "NodePort"\nexternalTrafficPolicy = "Cluster"'
xn_service solo 10.96.0.11 "TCP:80:8080:30081" "a1" 'type = "NodePort"\nexternalTrafficPolicy = "Cluster"'

# The cluster with the load balancer on the fabric, and node-a's drain long
# enough to watch.
xn_build_cluster "lb:eth0:$LB_IP/24"
sed -i "s/^drain-seconds = .*/drain-seconds = $DRAIN_SECONDS/" "$NP_WORK/node-a/nodeplane.toml"
xn_start_daemons

for pod in a1 b1 b2; do
  np_bg ip netns exec "$(np_ns $pod)" socat -T 20 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo $pod; cat" 2>/dev/null
done
for pod in a1 b1 b2; do np_wait_listen $pod 8080; done
seen=$(for _ in $(seq 30); do np_tcp_request client ${XN_NODE_IP[node-b]} 30080; done | sort -u | tr '\n' ' ')
[[ $seen == "a1 b1 b2 " ]] || np_fail "the NodePort's endpoints on both nodes answered '$seen', expected 'a1 b1 b2 '"

np_log "the load balancer in front of node-a and node-b"
LB_LOG=$NP_WORK/lb.log
ip netns exec "$(np_ns lb)" "$NP_SIM_LB" --listen $LB_IP:$LB_PORT \
  --backend "node-a=${XN_NODE_IP[node-a]}:30080@${XN_NODE_IP[node-a]}:10256" \
  --backend "node-b=${XN_NODE_IP[node-b]}:30080@${XN_NODE_IP[node-b]}:10256" \
  --interval-ms 500 --fall 2 --rise 2 --drain-ms 1000 >"$LB_LOG" 2>&1 &
NP_PIDS+=($!)
for _ in $(seq 50); do
  (( $(grep -c ' up (' "$LB_LOG" || true) == 2 )) && break
  sleep 0.1
done
(( $(grep -c ' up (' "$LB_LOG" || true) == 2 )) || np_fail "the LB did not mark both nodes up: $(cat "$LB_LOG")"

np_probe_start client client --long-lived --timeout-ms 1000 \
  --target lb-1=$LB_IP:$LB_PORT --target lb-2=$LB_IP:$LB_PORT
np_probe_start pinned client --long-lived --timeout-ms 1000 --target solo=${XN_NODE_IP[node-b]}:30081
np_probe_wait_long_lived client 2
np_probe_wait_long_lived pinned 1
sleep 2

np_log "kubelet drains node-a: a1 turns terminating on both nodes, b1 joins solo"
LB_TERMINATING[a1]=1
xn_service_drop solo
xn_service solo 10.96.0.11 "TCP:80:8080:30081" "a1 b1" 'type = "NodePort"\nexternalTrafficPolicy = "Cluster"'
xn_apply node-a node-b
seen=$(for _ in $(seq 20); do np_tcp_request client ${XN_NODE_IP[node-b]} 30081; done | sort -u | tr '\n' ' ')
[[ $seen == "b1 " ]] || np_fail "new connections to solo answered by '$seen' after a1 turned terminating, expected 'b1 '"
seen=$(for _ in $(seq 30); do np_tcp_request client ${XN_NODE_IP[node-a]} 30080; done | sort -u | tr '\n' ' ')
[[ $seen == "b1 b2 " ]] || np_fail "new connections to web answered by '$seen' after a1 turned terminating, expected 'b1 b2 '"
sleep 2
np_probe_stop pinned
np_probe_expect_clean pinned 20
(( $(np_probe_field pinned solo '.answeredBy.a1 // 0') > 0 )) || np_fail "solo was not answered by a1 first"
(( $(np_probe_field pinned solo .longLived.exchanges) >= 30 )) ||
  np_fail "the connection pinned to terminating a1 stalled: $(np_probe_summary pinned)"
np_log "solo: the connection pinned to a1 kept going after a1 turned terminating:" \
  "$(np_probe_field pinned solo .longLived.exchanges) exchanges, $(np_probe_field pinned solo .longLived.breaks) breaks"

ms_now() { date +%s%3N; }
ms_of() { date -d "$1" +%s%3N; }  # an RFC 3339 time from the LB's log

np_log "node-a shuts down: SIGTERM to its daemon"
t_term=$(ms_now)
pid_a=$(np_daemon_pid node-a)
kill -TERM "$pid_a"
t_503=""
for _ in $(seq 100); do
  if [[ $(np_http_status node-a "$(xn_healthz node-a)") == 503 ]]; then t_503=$(ms_now); break; fi
  sleep 0.02
done
[[ -n $t_503 ]] || np_fail "node-a's /healthz never answered 503 while draining"
for _ in $(seq 60); do grep -q '^[^ ]* drained node-a' "$LB_LOG" && break; sleep 0.1; done
grep -q '^[^ ]* drained node-a' "$LB_LOG" || np_fail "the LB did not mark node-a down and drain it: $(cat "$LB_LOG")"

for _ in $(seq 100); do kill -0 "$pid_a" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid_a" 2>/dev/null && np_fail "node-a's daemon did not exit after its ${DRAIN_SECONDS} s drain"
t_exit=$(ms_now)

np_log "node-a powers off: its links and the datapath on them go"
np_in node-a ip link del eth0
for pod in a1 a2; do np_in node-a ip link del "$(xn_pod_field $pod ifname)"; done
t_off=$(ms_now)
sleep 2
np_probe_stop client

t_down=$(ms_of "$(awk '/ node-a down /{print $1; exit}' "$LB_LOG")")
np_log "figures: SIGTERM -> /healthz 503 $((t_503 - t_term)) ms, -> LB marks node-a down $((t_down - t_term)) ms," \
  "-> daemon exited $((t_exit - t_term)) ms (drain ${DRAIN_SECONDS} s), -> power-off $((t_off - t_term)) ms"
np_log "LB: $(grep -c ' proxied ' "$LB_LOG") connections proxied, $(grep -c ' -> node-a$' "$LB_LOG") to node-a;" \
  "$(grep ' drained node-a' "$LB_LOG" | cut -d' ' -f2-)"

grep -q ' drained node-a: 2 connections closed gracefully' "$LB_LOG" ||
  np_fail "the LB did not drain the 2 long-lived connections through node-a: $(grep ' drained ' "$LB_LOG")"
! grep -q ' refused ' "$LB_LOG" || np_fail "the LB had no node up for a client: $(grep ' refused ' "$LB_LOG" | head -3)"
for t in lb-1 lb-2; do
  failed=$(np_probe_field client $t .failures)
  attempts=$(np_probe_field client $t .attempts)
  np_log "$t: $attempts connections through the LB, $failed failed"
  ((failed == 0)) || np_fail "$t: $failed of $attempts new connections failed: $(np_probe_field client $t .failureLog)"
  ((attempts >= 100)) || np_fail "$t: only $attempts connections"
  # Long-lived: only graceful closes, and only before the power-off.
  bad=$(jq -r --arg t "$t" --argjson off "$t_off" '.targets[$t].failureLog[] | select(.longLived) |
    (.at | capture("(?<s>.*)[.](?<ms>[0-9]+)Z$") | ((.s + "Z") | fromdate) * 1000 + (.ms | tonumber)) as $at |
    select(.reason != "closed" or $at > $off) | tostring' \
    "$(np_probe_report client)")
  [[ -z $bad ]] || np_fail "$t: the long-lived connection broke other than by a graceful close before the power-off: $bad"
  np_log "$t long-lived: $(np_probe_field client $t .longLived.exchanges) exchanges," \
    "$(np_probe_field client $t .longLived.breaks) graceful closes (reopened through node-b)"
  (( $(np_probe_field client $t .longLived.breaks) == 1 )) ||
    np_fail "$t: the long-lived connection through node-a was not closed once by the deregistration delay"
  (( $(np_probe_field client $t .longLived.exchanges) >= 50 )) || np_fail "$t: the long-lived connection stalled"
done

np_log "PASS"
