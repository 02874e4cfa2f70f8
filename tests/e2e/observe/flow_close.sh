#!/usr/bin/env bash
# Every flow's close reaches `nodeplanectl observe`, once, named as its client
# sent it: UDP flows (to a ClusterIP, and straight to a pod NetworkPolicy
# tracks) close with cause idle-timeout when conntrack ageing removes them;
# a TCP connection to a ClusterIP that the server side resets closes once
# with cause finished, and ageing does not report it again.
#
# Pod b serves UDP 5353 (behind ClusterIP 10.96.0.53:53), UDP 5354 (asked
# directly) and TCP 9090 (behind ClusterIP 10.96.0.20:80, answering once and
# then resetting: SO_LINGER 0). b is isolated for ingress and admits a on
# those ports, so service flows to b are tracked by both conntracks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
np_init flow_close
np_single_node_setup a b

np_udp_server b 5353
np_udp_server b 5354
np_bg ip netns exec "$(np_ns b)" python3 -c '
import socket, struct, time
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", 9090))
srv.listen()
while True:
    conn, _ = srv.accept()
    conn.recv(100)
    conn.sendall(b"b\n")
    time.sleep(0.3)  # the client has read the answer: the reset comes alone
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()  # linger 0: RST, no FIN
'
for port in 5353 5354 9090; do np_wait_listen b $port; done

np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
cat >> "$SNAPSHOT" <<'TOML'

[[services]]
namespace = "e2e"
name = "dns"
clusterIPs = ["10.96.0.53"]
ports = [{ name = "dns", protocol = "UDP", port = 53, targetPort = 5353 }]

[[endpointSlices]]
namespace = "e2e"
name = "dns-1"
service = "dns"
addressType = "IPv4"
ports = [{ name = "dns", port = 5353, protocol = "UDP" }]
endpoints = [{ addresses = ["10.200.1.11"], conditions = { ready = true }, nodeName = "node-a" }]

[[services]]
namespace = "e2e"
name = "rst"
clusterIPs = ["10.96.0.20"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 9090 }]

[[endpointSlices]]
namespace = "e2e"
name = "rst-1"
service = "rst"
addressType = "IPv4"
ports = [{ name = "http", port = 9090, protocol = "TCP" }]
endpoints = [{ addresses = ["10.200.1.11"], conditions = { ready = true }, nodeName = "node-a" }]

[[networkPolicies]]
namespace = "e2e"
name = "b-from-a"
podSelector = { matchLabels = { pod = "b" } }
policyTypes = ["Ingress"]

  [[networkPolicies.ingress]]
  ports = [{ protocol = "UDP", port = 5353 }, { protocol = "UDP", port = 5354 }, { protocol = "TCP", port = 9090 }]

    [[networkPolicies.ingress.from]]
    podSelector = { matchLabels = { pod = "a" } }
TOML
# Age every second; answered UDP after 3 s idle, unanswered after 2 s,
# closed TCP after 2 s.
sed -i '/^bpffs = /a conntrack-gc-interval = 1\nconntrack-udp-timeout = 2\nconntrack-udp-stream-timeout = 3\nconntrack-tcp-closing-timeout = 2' \
  "$NP_WORK/node-a/nodeplane.toml"

np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

FLOWS=$NP_WORK/flows.jsonl
np_bg "$NODEPLANECTL" --socket "$NP_WORK/node-a/observe.sock" --output json observe --since-now > "$FLOWS"

# udp_ask <ip> <port>: one datagram from pod a and its answer; prints
# "<client-port> <answer>".
udp_ask() {
  np_in a python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((sys.argv[1], int(sys.argv[2])))
s.send(b"hi\n")
print(s.getsockname()[1], s.recv(100).decode().strip())
' "$1" "$2"
}

# tcp_reset_by_server <ip> <port>: one request from pod a; prints
# "<client-port> <answer> <how the server ended it: reset|fin>".
tcp_reset_by_server() {
  np_in a python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
port = s.getsockname()[1]
s.sendall(b"hi\n")
answer = s.recv(100).decode().strip()
try:
    how = "fin" if s.recv(100) == b"" else "data"
except ConnectionResetError:
    how = "reset"
print(port, answer, how)
' "$1" "$2"
}

# records <kind> <client-ip> <client-port>: the stream's records of that kind
# for the flow from that client address and port, in either direction.
records() {
  jq -c --arg k "$1" --arg ip "$2" --argjson p "$3" \
    'select(.kind == $k and ((.src.ip == $ip and .src.port == $p) or (.dst.ip == $ip and .dst.port == $p)))' "$FLOWS"
}
count() { records "$@" | wc -l; }

# wait_for <seconds> <kind> <client-ip> <client-port>: until one such record.
wait_for() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    (( $(count "$2" "$3" "$4") >= 1 )) && return 0
    sleep 0.2
  done
  return 1
}

np_log "UDP to the ClusterIP: the stream shows the flow open (the first ask may beat the subscription)"
udp_port=""
for _ in $(seq 10); do
  read -r port answer < <(udp_ask 10.96.0.53 53) || np_fail "no answer from 10.96.0.53:53"
  [[ $answer == b ]] || np_fail "10.96.0.53:53 answered '$answer', expected 'b'"
  if wait_for 1 flow-open 10.200.1.10 "$port"; then udp_port=$port; break; fi
done
[[ -n $udp_port ]] || np_fail "no flow-open for UDP to 10.96.0.53:53 in $FLOWS"

np_log "UDP straight to pod b (tracked by b's policy), and TCP to a ClusterIP the server resets"
read -r pod_port answer < <(udp_ask 10.200.1.11 5354) || np_fail "no answer from 10.200.1.11:5354"
[[ $answer == b ]] || np_fail "10.200.1.11:5354 answered '$answer', expected 'b'"
read -r tcp_port answer how < <(tcp_reset_by_server 10.96.0.20 80) || np_fail "no answer from 10.96.0.20:80"
[[ "$answer $how" == "b reset" ]] || np_fail "10.96.0.20:80 gave '$answer $how', expected 'b reset'"
tcp_reset_at=$SECONDS

np_log "the reset connection: exactly one close, cause finished, client -> frontend"
wait_for 3 flow-close 10.200.1.10 "$tcp_port" || np_fail "no flow-close for the reset connection from port $tcp_port"
close=$(records flow-close 10.200.1.10 "$tcp_port")
np_log "observed: $close"
jq -e --argjson p "$tcp_port" '.close == "finished" and .protocol == "tcp" and .src.ip == "10.200.1.10"
  and .src.port == $p and .dst.ip == "10.96.0.20" and .dst.port == 80 and .src.pod == "a"' <<<"$close" >/dev/null ||
  np_fail "unexpected close: $close"
(( $(count flow-open 10.200.1.10 "$tcp_port") == 1 )) || np_fail "expected one flow-open for port $tcp_port:
$(records flow-open 10.200.1.10 "$tcp_port")"

np_log "UDP flows: one close each, cause idle-timeout, once ageing removes them"
for spec in "$udp_port 10.96.0.53 53" "$pod_port 10.200.1.11 5354"; do
  read -r port ip dport <<<"$spec"
  wait_for 10 flow-close 10.200.1.10 "$port" || np_fail "no flow-close for UDP from port $port to $ip:$dport"
  close=$(records flow-close 10.200.1.10 "$port")
  np_log "observed: $close"
  jq -e --argjson p "$port" --arg ip "$ip" --argjson dp "$dport" '.close == "idle-timeout" and .protocol == "udp"
    and .src.ip == "10.200.1.10" and .src.port == $p and .dst.ip == $ip and .dst.port == $dp' <<<"$close" >/dev/null ||
    np_fail "unexpected close: $close"
done
(( $(count flow-open 10.200.1.10 "$pod_port") == 1 )) || np_fail "expected one flow-open for port $pod_port"

np_log "ageing removed the reset connection too (closing timeout 2 s) without a second close"
while ((SECONDS < tcp_reset_at + 5)); do sleep 0.5; done
# The service's two entries (b's policy entry for it, A -> B:9090, sees
# only the client's side and ages as unanswered; it is never reported).
ct=$(np_ctl node-a --output json conntrack list | jq --argjson p "$tcp_port" '[.entries[] |
     select((.direction == "original" and .sourcePort == $p and .destinationPort == 80) or
            (.direction == "reply" and .sourcePort == 9090 and .destinationPort == $p))] | length')
(( ct == 0 )) || np_fail "the reset connection's $ct service conntrack entries are still there"
for spec in "$tcp_port" "$udp_port" "$pod_port"; do
  n=$(count flow-close 10.200.1.10 "$spec")
  (( n == 1 )) || np_fail "port $spec: $n flow-close records, expected 1:
$(records flow-close 10.200.1.10 "$spec")"
done
np_log "PASS"
