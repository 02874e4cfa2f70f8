#!/usr/bin/env bash
# Conntrack through the real daemon: a TCP connection to a ClusterIP shows in
# `nodeplanectl conntrack list` (text and JSON) and its service in
# `nodeplanectl services`; ageing (every second here) leaves the established
# connection alone and removes a closed one after its closing timeout, and
# says so in `nodeplanectl status`; `conntrack flush` empties the table; a
# reload changes the ageing settings at once.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init ctcli

np_single_node_setup a b
# np_tcp_server's, but patient: the long-lived connection below stays quiet
# for several seconds while ageing runs.
np_bg ip netns exec "$(np_ns b)" socat -T 60 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo b; cat" 2>/dev/null
np_wait_listen b 8080

np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
cat >> "$SNAPSHOT" <<'TOML'

[[services]]
namespace = "e2e"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080 }]

[[endpointSlices]]
namespace = "e2e"
name = "web-1"
service = "web"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }]
endpoints = [{ addresses = ["10.200.1.11"], conditions = { ready = true }, nodeName = "node-a" }]
TOML
# Age every second, and closed connections after 2 s, so the test sees it.
sed -i '/^bpffs = /a conntrack-gc-interval = 1\nconntrack-tcp-closing-timeout = 2' "$NP_WORK/node-a/nodeplane.toml"

np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

ct_json() { np_ctl node-a --output json conntrack list; }
# The entries of the connection from pod a's port $1, as compact JSON lines.
ct_entries_of() {
  ct_json | jq -c --argjson p "$1" '.entries[] | select((.direction == "original" and .sourcePort == $p) or
                                                        (.direction == "reply" and .destinationPort == $p))'
}
gc_passes() { np_status_json node-a .conntrack.gcPasses; }

np_log "a long-lived connection through the ClusterIP"
coproc CONN { ip netns exec "$(np_ns a)" socat -T 60 - TCP:10.96.0.10:80; }
echo first >&"${CONN[1]}"
read -r -t 3 who <&"${CONN[0]}" || np_fail "no answer on the connection to 10.96.0.10:80"
read -r -t 3 echo1 <&"${CONN[0]}" || np_fail "no echo on the connection to 10.96.0.10:80"
[[ "$who $echo1" == "b first" ]] || np_fail "the connection answered '$who $echo1', expected 'b first'"
port=$(np_in a ss -Htn state established dst 10.96.0.10:80 | awk '{split($3, a, ":"); print a[2]}')
[[ "$port" =~ ^[0-9]+$ ]] || np_fail "cannot find the client port of the connection (ss said '$port')"

np_log "conntrack list --output json: both directions, established"
entries=$(ct_entries_of "$port")
original=$(jq -c 'select(.direction == "original")' <<<"$entries")
reply=$(jq -c 'select(.direction == "reply")' <<<"$entries")
[[ $(jq -r '[.protocol, .source, .destination, .destinationPort, .state] | join(" ")' <<<"$original") == \
   "tcp 10.200.1.10 10.96.0.10 80 established" ]] || np_fail "original entry of port $port: '$original'"
[[ $(jq -r '[.source, .sourcePort, .destination, .state] | join(" ")' <<<"$reply") == \
   "10.200.1.11 8080 10.200.1.10 established" ]] || np_fail "reply entry of port $port: '$reply'"
[[ $(jq -r '.tcpFlags' <<<"$reply") == *S*A* ]] \
  || np_fail "the reply entry saw flags '$(jq -r .tcpFlags <<<"$reply")', expected SYN and ACK"
(( $(jq '.timeoutSeconds' <<<"$original") == 21600 )) || np_fail "established timeout: $(jq .timeoutSeconds <<<"$original")"
(( $(jq '.idleSeconds' <<<"$original") < 10 )) || np_fail "the connection is idle for $(jq .idleSeconds <<<"$original") s"
[[ $(jq -r '.backendId' <<<"$original") == $(jq -r '.backendId' <<<"$reply") ]] || np_fail "backend ids differ"

np_log "conntrack list (text)"
text=$(np_ctl node-a conntrack list)
grep -Eq "^  tcp +10\.200\.1\.10:$port +10\.96\.0\.10:80 +original +established " <<<"$text" \
  || np_fail "no original line for port $port in:"$'\n'"$text"
grep -Eq "^  tcp +10\.200\.1\.11:8080 +10\.200\.1\.10:$port +reply +established " <<<"$text" \
  || np_fail "no reply line for port $port in:"$'\n'"$text"

np_log "services: the ClusterIP with its backend, read from the maps"
services=$(np_ctl node-a --output json services)
svc=$(jq -c '.services[] | select(.address == "10.96.0.10" and .port == 80 and .protocol == "tcp")' <<<"$services")
[[ -n "$svc" ]] || np_fail "10.96.0.10:80/tcp is not in 'nodeplanectl services': $services"
[[ $(jq -r '[.scope, .backendCount, (.backends | length), .backends[0].address, .backends[0].port,
             .backends[0].local] | join(" ")' <<<"$svc") == "internal 1 1 10.200.1.11 8080 true" ]] \
  || np_fail "the service reads '$svc'"
text=$(np_ctl node-a services)
grep -Eq "^  10\.96\.0\.10:80/tcp +internal " <<<"$text" || np_fail "no frontend line in:"$'\n'"$text"
grep -Eq "^    10\.200\.1\.11:8080 +local$" <<<"$text" || np_fail "no backend line in:"$'\n'"$text"

np_log "ageing passes leave the established connection alone"
start=$(gc_passes)
for _ in $(seq 100); do (( $(gc_passes) >= start + 3 )) && break; sleep 0.1; done
(( $(gc_passes) >= start + 3 )) || np_fail "no ageing passes: gcPasses stayed at $(gc_passes)"
echo second >&"${CONN[1]}"
read -r -t 3 echo2 <&"${CONN[0]}" || np_fail "the established connection broke while ageing ran"
[[ "$echo2" == second ]] || np_fail "the connection answered '$echo2', expected 'second'"
[[ $(ct_entries_of "$port" | wc -l) == 2 ]] || np_fail "the established connection lost its entries"

np_log "a closed connection ages out after its closing timeout"
np_expect_tcp a 10.96.0.10 80 b
closed_before=$(np_status_json node-a '.conntrack.agedOutByState.closing')
for _ in $(seq 100); do
  n=$(ct_json | jq '[.entries[] | select(.state == "closing")] | length')
  (( n == 0 )) && break
  sleep 0.1
done
(( n == 0 )) || np_fail "$n closing entries were still there after 10 s (closing timeout 2 s)"
closed_after=$(np_status_json node-a '.conntrack.agedOutByState.closing')
(( closed_after >= closed_before + 2 )) \
  || np_fail "status counts $closed_after closing entries aged out, expected at least $((closed_before + 2))"
[[ $(ct_entries_of "$port" | wc -l) == 2 ]] || np_fail "the established connection lost its entries"
status=$(np_ctl node-a status)
grep -Eq "^  Aged out:  [0-9]+ \(.*closing [1-9][0-9]*" <<<"$status" || np_fail "status says:"$'\n'"$status"
capacity=$(np_status_json node-a .conntrack.capacity)
[[ $capacity == $(np_status_json node-a '.maps[] | select(.name == "np_conntrack_v2") | .maxEntries') ]] \
  || np_fail "status reports a conntrack capacity of $capacity, not the map's size"

np_log "conntrack flush empties the table"
out=$(np_ctl node-a conntrack flush)
[[ "$out" =~ ^Flushed\ ([0-9]+)\ conntrack\ entries$ ]] || np_fail "flush said '$out'"
(( BASH_REMATCH[1] >= 2 )) || np_fail "flush removed ${BASH_REMATCH[1]} entries, expected at least 2"
[[ -z $(ct_entries_of "$port") ]] || np_fail "the connection's entries survived the flush"
[[ $(ct_json | jq .total) == 0 ]] || np_fail "entries left after the flush: $(ct_json)"
[[ $(np_ctl node-a conntrack list) == "No conntrack entries" ]] || np_fail "text list after the flush is not empty"
[[ $(np_ctl node-a --output json conntrack flush | jq .removed) == 0 ]] || np_fail "a second flush removed entries"

np_log "a reload applies new ageing settings at once"
sed -i 's/^conntrack-gc-interval = 1$/conntrack-gc-interval = 7/' "$NP_WORK/node-a/nodeplane.toml"
np_ctl node-a reload >/dev/null || np_fail "the reload was refused"
[[ $(np_status_json node-a .conntrack.gcIntervalSeconds) == 7 ]] \
  || np_fail "after the reload ageing runs every $(np_status_json node-a .conntrack.gcIntervalSeconds) s, expected 7"

kill "$CONN_PID" 2>/dev/null || true
np_log "PASS"
