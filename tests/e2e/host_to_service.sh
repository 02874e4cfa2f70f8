#!/usr/bin/env bash
# The node's own connections to a ClusterIP through the real daemon, whose
# socket hooks are attached to a scratch cgroup (never the host's root): a
# client in the node's namespace and in that cgroup reaches pod b behind
# 10.96.0.10 over TCP and UDP, is sent to the backend at its socket (the
# kernel's socket names the pod), and takes UDP answers as coming from the
# ClusterIP. Outside the cgroup nothing is translated; a pod's socket in the
# cgroup is still translated at tc only. The hooks outlive the daemon, a
# restarted daemon swaps its programs into the same links, scale to zero
# refuses at once, each hook counts what it did (nodeplanectl status), and
# [datapath] cgroup = "" takes the hooks away.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init h2s

source "$(dirname "$0")/lib/cgroup.sh"
np_scratch_cgroup h2s

np_single_node_setup a b
LINKS=$NP_WORK/node-a/bpffs/nodeplane/links
np_tcp_server b 8080
# Not np_udp_server: its `echo b` may exit before socat hands it the query,
# and the EPIPE then kills the reply (about 1 query in 10 on a busy machine).
np_bg ip netns exec "$(np_ns b)" socat -T 2 UDP-LISTEN:5353,reuseaddr,fork SYSTEM:"echo b; cat >/dev/null" 2>/dev/null
np_wait_listen b 8080
np_wait_listen b 5353

# in_cgroup <ns> <command...>: run in a test namespace from inside the cgroup.
in_cgroup() {
  local ns=$1; shift
  np_in "$ns" sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$NP_CGROUP" "$@"
}
tcp_via() { { echo hello | in_cgroup "$1" socat -T 2 - TCP:10.96.0.10:80,connect-timeout=2 2>&1 | head -n 1; } || true; }
# UDP has no EOF: -t 2 waits that long for the answer after sending (the
# default 0.5 s loses to a busy machine forking the server's `echo`).
udp_via() { { echo hello | in_cgroup "$1" socat -T 3 -t 2 - "$2":10.96.0.10:53 2>/dev/null | head -n 1; } || true; }
link_field() { bpftool -j link show pinned "$LINKS/$1" | jq -r ".$2"; }

service_snapshot() {
  np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
  local endpoints=""
  [[ $1 == b ]] && endpoints='{ addresses = ["10.200.1.11"], conditions = { ready = true }, nodeName = "node-a" }'
  cat >> "$SNAPSHOT.new" <<TOML

[[services]]
namespace = "e2e"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080 },
         { name = "dns", protocol = "UDP", port = 53, targetPort = 5353 }]

[[endpointSlices]]
namespace = "e2e"
name = "web-1"
service = "web"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }, { name = "dns", port = 5353, protocol = "UDP" }]
endpoints = [$endpoints]
TOML
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

service_snapshot b
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "the four hooks sit on the scratch cgroup, through links pinned in the daemon's bpffs"
hooks=$(bpftool -j cgroup show "$CG_HOST" | jq -r '[.[].name] | sort | join(" ")')
want="np_sk_connect4 np_sk_peername4 np_sk_recvmsg4 np_sk_sendmsg4"
[[ "$hooks" == "$want" ]] || np_fail "the scratch cgroup runs '$hooks', expected $want"

# sock_delta <counter> <before>: how far a socket hook counter moved.
sock_delta() { echo $(( $(np_stat node-a "$1") - $2 )); }

np_log "TCP from the node's namespace reaches pod b through the ClusterIP, counted once"
connects=$(np_stat node-a sock_connect_translated)
got=$(tcp_via node-a)
[[ "$got" == b ]] || np_fail "TCP node -> 10.96.0.10:80 answered '$got', expected b"
moved=$(sock_delta sock_connect_translated "$connects")
[[ $moved == 1 ]] || np_fail "one connect() moved sock_connect_translated by $moved, expected 1"

np_log "the node's socket is connected to the pod itself: no packet ever carries the ClusterIP"
coproc CONN { in_cgroup node-a socat -T 10 - TCP:10.96.0.10:80; }
conn_pid=$CONN_PID  # bash unsets CONN_PID once the coprocess ends
echo first >&"${CONN[1]}"
read -r -t 3 who <&"${CONN[0]}" || np_fail "no answer on the long-lived connection"
[[ "$who" == b ]] || np_fail "the long-lived connection was answered by '$who', expected b"
peers=$(np_in node-a ss -Htn state established '( dport = :8080 or dport = :80 )' | awk '{print $4}' | sort -u | tr '\n' ' ')
[[ "$peers" == "10.200.1.11:8080 " ]] || np_fail "the node's established sockets name '$peers', expected the pod 10.200.1.11:8080"
eval "exec ${CONN[1]}>&-"  # EOF to socat: the connection closes
wait "$conn_pid" 2>/dev/null || true

np_log "UDP, unconnected (sendmsg): the answer comes from the ClusterIP, which socat insists on"
# socat's UDP-SENDTO drops datagrams from any other source than its peer:
# without the recvmsg hook, pod b's answer (from 10.200.1.11:5353) would vanish.
sends=$(np_stat node-a sock_sendmsg_translated)
receives=$(np_stat node-a sock_recvmsg_reversed)
got=$(udp_via node-a UDP-SENDTO)
[[ "$got" == b ]] || np_fail "UDP (sendto) node -> 10.96.0.10:53 answered '$got', expected b"
moved=$(sock_delta sock_sendmsg_translated "$sends")
[[ $moved == 1 ]] || np_fail "one sendto() moved sock_sendmsg_translated by $moved, expected 1"
# Counted per recvmsg() call, and socat peeks at a datagram before it reads it.
moved=$(sock_delta sock_recvmsg_reversed "$receives")
((moved >= 1)) || np_fail "the answer did not move sock_recvmsg_reversed (by $moved)"

np_log "UDP, connected"
got=$(udp_via node-a UDP)
[[ "$got" == b ]] || np_fail "UDP (connect) node -> 10.96.0.10:53 answered '$got', expected b"

np_log "a process of the node outside the cgroup is not translated"
out=$({ echo hello | np_in node-a socat -T 2 - TCP:10.96.0.10:80,connect-timeout=2 2>&1; } || true)
[[ "$out" != b* ]] || np_fail "a client outside the scratch cgroup reached the service: hooks leak past their cgroup"

np_log "a pod's socket in the cgroup is left to from_pod (translated once, at tc)"
before=$(np_stat node-a service_translated)
got=$(tcp_via a)
[[ "$got" == b ]] || np_fail "TCP pod a -> 10.96.0.10:80 (in the cgroup) answered '$got', expected b"
(( $(np_stat node-a service_translated) > before )) || np_fail "pod a's connection did not go through from_pod's translation"

np_log "the hooks outlive the daemon, and a restarted daemon swaps its programs into the same links"
link_before=$(link_field np_sk_connect4 id)
prog_before=$(link_field np_sk_connect4 prog_id)
np_daemon_stop node-a
got=$(tcp_via node-a)
[[ "$got" == b ]] || np_fail "with the daemon stopped, TCP node -> ClusterIP answered '$got', expected b"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
link_after=$(link_field np_sk_connect4 id)
prog_after=$(link_field np_sk_connect4 prog_id)
[[ "$link_after" == "$link_before" ]] || np_fail "the restarted daemon made link $link_after instead of adopting link $link_before"
[[ "$prog_after" != "$prog_before" ]] || np_fail "the restarted daemon left its predecessor's program $prog_before in the link"
got=$(tcp_via node-a)
[[ "$got" == b ]] || np_fail "after the restart, TCP node -> ClusterIP answered '$got', expected b"

np_log "scale to zero: connect() is refused at once (ECONNREFUSED), counted as sock_rejected"
service_snapshot none
for _ in $(seq 50); do (( $(np_status_json node-a .generation) >= 2 )) && break; sleep 0.1; done
rejected=$(np_stat node-a sock_rejected)
start=$(date +%s%N)
out=$(tcp_via node-a)
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[[ "$out" == *"Connection refused"* ]] || np_fail "TCP node -> ClusterIP without endpoints said '$out', expected Connection refused"
moved=$(sock_delta sock_rejected "$rejected")
[[ $moved == 1 ]] || np_fail "one refused connect() moved sock_rejected by $moved, expected 1"
(( elapsed_ms < 1500 )) || np_fail "the refusal took ${elapsed_ms} ms"

np_log "[datapath] cgroup = \"\" takes the hooks away at the next start"
np_daemon_stop node-a
sed -i 's|^cgroup = .*|cgroup = ""|' "$NP_WORK/node-a/nodeplane.toml"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
# (bpftool prints nothing at all for a cgroup without programs)
hooks=$(bpftool -j cgroup show "$CG_HOST" | jq -s 'map(length) | add // 0')
[[ "$hooks" == 0 ]] || np_fail "with [datapath] cgroup empty, the scratch cgroup still has $hooks hooks"
[[ -z "$(ls -A "$LINKS")" ]] || np_fail "links still pinned: $(ls "$LINKS")"

np_log "PASS"
