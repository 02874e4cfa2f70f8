#!/usr/bin/env bash
# ClusterIP from pods through the real daemon: connections spread over the
# ready endpoints, a named targetPort resolves through the EndpointSlice, an
# established connection keeps its backend while the set changes, scale to
# zero rejects (ECONNREFUSED, not a timeout) and scale back serves again.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init svc

np_single_node_setup a b c
for p in b c; do np_tcp_server $p 8080; done
np_wait_listen b 8080
np_wait_listen c 8080

# service_snapshot "<endpoint spec>...": spec "ip:ready"
service_snapshot() {
  np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B" "$POD_C"
  {
    cat <<TOML

[[services]]
namespace = "e2e"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = "http" }]

[[endpointSlices]]
namespace = "e2e"
name = "web-1"
service = "web"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }]
TOML
    local spec ip ready
    printf 'endpoints = [\n'
    for spec in "$@"; do
      IFS=: read -r ip ready <<<"$spec"
      printf '  { addresses = ["%s"], conditions = { ready = %s }, nodeName = "node-a" },\n' "$ip" "$ready"
    done
    printf ']\n'
  } >> "$SNAPSHOT.new"
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

# answers <n>: who answered n connections from pod a to the ClusterIP, sorted unique.
answers() {
  for _ in $(seq "$1"); do np_tcp_request a 10.96.0.10 80; echo; done | sed '/^$/d' | sort -u | tr '\n' ' '
}

service_snapshot 10.200.1.11:true 10.200.1.12:true
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "connections spread over both ready endpoints (targetPort 'http' -> 8080)"
got=$(answers 30)
[[ "$got" == "b c " ]] || np_fail "30 connections to 10.96.0.10:80 were answered by '$got', expected 'b c '"

np_log "an endpoint that is not ready gets no new connection"
service_snapshot 10.200.1.11:true 10.200.1.12:false
np_wait_generation node-a 2
got=$(answers 20)
[[ "$got" == "b " ]] || np_fail "with c not ready, answers came from '$got', expected 'b '"

np_log "an established connection keeps its backend while the set changes"
coproc CONN { ip netns exec "$(np_ns a)" socat -T 30 - TCP:10.96.0.10:80; }
echo first >&"${CONN[1]}"
read -r -t 3 who <&"${CONN[0]}" || np_fail "no answer on the long-lived connection"
read -r -t 3 echo1 <&"${CONN[0]}" || true
[[ "$who" == b ]] || np_fail "the long-lived connection was answered by '$who', expected b"
service_snapshot 10.200.1.11:true 10.200.1.12:true
np_wait_generation node-a 3
echo second >&"${CONN[1]}"
read -r -t 3 echo2 <&"${CONN[0]}" || np_fail "the long-lived connection broke when the set changed"
[[ "$echo2" == second ]] || np_fail "the long-lived connection answered '$echo2', expected 'second'"
kill "$CONN_PID" 2>/dev/null || true

np_log "scale to zero: the service rejects at once (ECONNREFUSED)"
service_snapshot
np_wait_generation node-a 4
start=$(date +%s%N)
out=$(np_in a socat -T 2 - TCP:10.96.0.10:80,connect-timeout=2 </dev/null 2>&1 || true)
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ "$out" == *"Connection refused"* ]] || np_fail "a connection to a service without endpoints said '$out', expected Connection refused"
(( elapsed_ms < 1500 )) || np_fail "the refusal took ${elapsed_ms} ms: a timeout, not a reject"

np_log "scale back: served again"
service_snapshot 10.200.1.12:true
np_wait_generation node-a 5
got=$(answers 5)
[[ "$got" == "c " ]] || np_fail "after scaling back, answers came from '$got', expected 'c '"

np_log "PASS"
