#!/usr/bin/env bash
# The node object drains too. Tainted ToBeDeletedByClusterAutoscaler: /healthz
# 503 while the taint is there, 200 again when the autoscaler takes it back,
# the daemon never exits on it. Deleting (deletionTimestamp): 503 within 1 s,
# traffic flows for drain-seconds, then the daemon exits 0 (not a failure,
# so systemd's Restart=on-failure leaves it stopped).
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/probe.sh"
source "$(dirname "$0")/drain_lib.sh"
np_init drainnode

DRAIN_SECONDS=3
TAINT='taints = [{ key = "ToBeDeletedByClusterAutoscaler", value = "1700000000", effect = "NoSchedule" }]'
drain_setup $DRAIN_SECONDS
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200 20

np_probe_start traffic a --long-lived --timeout-ms 800 --target a-to-b=10.200.1.11:8080
np_probe_wait_long_lived traffic 1

np_log "tainted: 503, reason node-tainted, no exit"
drain_node_state "$TAINT"
drain_healthz_within 503 1000
[[ $(drain_field 'reasons | join(",")') == node-tainted ]] || np_fail "reasons: $(np_status_json node-a .drain)"
[[ $(drain_field exiting) == false ]] || np_fail "exiting on a taint"
body=$(np_http node-a "$HEALTHZ")
[[ $(jq -r .nodeEligible <<<"${body#* }") == false ]] || np_fail "nodeEligible is not false when tainted: $body"
sleep $((DRAIN_SECONDS + 1))
kill -0 "$(np_daemon_pid node-a)" || np_fail "the daemon exited on the taint"

np_log "taint removed (scale-down cancelled): healthy again"
drain_node_state
drain_healthz_within 200 1000
[[ $(drain_field draining) == false ]] || np_fail "still draining: $(np_status_json node-a .drain)"

np_log "deleting: 503 within 1 s, forwarding for drain-seconds, exit 0"
drain_node_state "deleting = true"
began=$(date +%s%3N)
drain_healthz_within 503 1000
[[ $(drain_field exiting) == true ]] || np_fail "not exiting when deleting: $(np_status_json node-a .drain)"
[[ $(drain_field 'reasons | join(",")') == node-deleting ]] || np_fail "reasons: $(np_status_json node-a .drain)"
if out=$(np_ctl node-a undrain 2>&1); then np_fail "undrain of a deleting node succeeded: $out"; fi
pid=$(np_daemon_pid node-a)
for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && np_fail "the daemon did not exit within 6 s of a $DRAIN_SECONDS s drain"
took=$(( $(date +%s%3N) - began ))
rc=0; wait "$pid" || rc=$?
(( rc == 0 )) || np_fail "the daemon exited $rc on a deleting node, expected 0"
(( took >= DRAIN_SECONDS * 1000 - 300 )) || np_fail "exited $took ms after the deletion was seen, before drain-seconds"
np_log "exited 0, $took ms after the deletion"
grep -q "is being deleted" "$NP_WORK/node-a-daemon.log" || np_fail "the log does not say why it drained"

np_log "forwarding carried on through the drain and after the exit"
sleep 1
np_probe_stop traffic
np_probe_expect_clean traffic
np_log "PASS"
