#!/usr/bin/env bash
# /healthz is 503 until the datapath is attached and a first state is applied,
# then 200; /livez is 200 as long as the loop runs; a stop drains: /healthz
# turns 503 while /livez stays 200, then the daemon exits.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init ready

np_single_node_setup a b
# No snapshot yet: the daemon starts, attaches, and waits for one.
np_daemon_start node-a
np_wait_health node-a "$LIVEZ" 200
answer=$(np_http node-a "$HEALTHZ")
[[ ${answer%% *} == 503 ]] || np_fail "/healthz answered '$answer' before any state, expected 503"
body=${answer#* }
[[ $(jq -r .healthy <<<"$body") == false ]] || np_fail "healthy is not false before any state: $body"
[[ $(jq -r .lastUpdated <<<"$body") == "0001-01-01T00:00:00Z" ]] || np_fail "lastUpdated before any state: $body"
[[ $(np_status_json node-a .phase) == starting ]] || np_fail "phase is $(np_status_json node-a .phase), expected starting"

np_log "a snapshot arrives: 200, with lastUpdated after the write"
written=$(date -u +%s)
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
np_wait_health node-a "$HEALTHZ" 200 10
updated=$(np_last_updated node-a "$HEALTHZ")
(( $(date -u -d "$updated" +%s) >= written )) || np_fail "lastUpdated $updated is before the snapshot was written"
np_expect_ping a 10.200.1.11 2

np_log "stop: /healthz 503 at once, /livez still 200 while draining"
sed -i 's/^drain-seconds = .*/drain-seconds = 3/' "$NP_WORK/node-a/nodeplane.toml"
kill -HUP "$(np_daemon_pid node-a)"   # picks up the longer drain
sleep 0.3
kill -TERM "$(np_daemon_pid node-a)"
np_wait_health node-a "$HEALTHZ" 503 1
[[ $(np_http_status node-a "$LIVEZ") == 200 ]] || np_fail "/livez is not 200 while draining"
np_expect_ping a 10.200.1.11 2   # forwarding continues through the drain
kill -TERM "$(np_daemon_pid node-a)"   # a repeated SIGTERM does not cut the drain short
pid=$(np_daemon_pid node-a)
for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && np_fail "the daemon did not exit within 6 s of a 3 s drain"
wait "$pid" || np_fail "the daemon exited non-zero after draining"
grep -q "Drained" "$NP_WORK/node-a-daemon.log" || np_fail "the log does not say the drain ended"

np_log "the stopped daemon left the pinned datapath forwarding"
np_expect_ping a 10.200.1.11 2

np_log "PASS"
