#!/usr/bin/env bash
# The systemd notification protocol, as Type=notify and WatchdogSec rely on:
# READY=1 only once the datapath is attached and a first state applied;
# STATUS= meanwhile; WATCHDOG=1 from the loop; RELOADING=1 then READY=1 on
# reload; STOPPING=1 on stop. A datagram socket stands in for systemd.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init notify

# Datagrams carry no trailing newline; count messages, not lines.
count() { grep -o "$1" "$NP_WORK/notify.log" | wc -l; }

np_single_node_setup a b
notify=$NP_WORK/notify.sock
np_bg socat -u UNIX-RECV:"$notify",unlink-early OPEN:"$NP_WORK/notify.log",creat,append
for _ in $(seq 50); do [[ -S $notify ]] && break; sleep 0.1; done
[[ -S $notify ]] || np_fail "the notify socket did not appear"

np_daemon_start node-a NOTIFY_SOCKET="$notify" WATCHDOG_USEC=1000000
np_wait_health node-a "$LIVEZ" 200
sleep 1.2   # at least two watchdog intervals (WATCHDOG_USEC/2)

np_log "no state yet: STATUS and WATCHDOG, but no READY"
grep -q 'STATUS=starting' "$NP_WORK/notify.log" || np_fail "no STATUS=starting: $(cat "$NP_WORK/notify.log")"
! grep -q 'READY=1' "$NP_WORK/notify.log" || np_fail "READY=1 before any state was applied"
(( $(count 'WATCHDOG=1') >= 2 )) || np_fail "fewer than two WATCHDOG=1 in 1.2 s with WATCHDOG_USEC=1 s"

np_log "a state is applied: READY=1"
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
np_wait_health node-a "$HEALTHZ" 200 10
for _ in $(seq 20); do grep -q 'READY=1' "$NP_WORK/notify.log" && break; sleep 0.1; done
grep -q 'READY=1' "$NP_WORK/notify.log" || np_fail "no READY=1 after the first state was applied"
grep -q 'STATUS=serving, node node-a, generation 1' "$NP_WORK/notify.log" || np_fail "READY came without a serving STATUS"

np_log "reload: RELOADING=1, then READY=1 again"
ready_before=$(count 'READY=1')
kill -HUP "$(np_daemon_pid node-a)"
for _ in $(seq 20); do (( $(count 'READY=1') > ready_before )) && break; sleep 0.1; done
grep -q 'RELOADING=1' "$NP_WORK/notify.log" || np_fail "no RELOADING=1 on SIGHUP"
(( $(count 'READY=1') > ready_before )) || np_fail "no READY=1 after the reload"

np_log "stop: STOPPING=1"
np_daemon_stop node-a TERM
grep -q 'STOPPING=1' "$NP_WORK/notify.log" || np_fail "no STOPPING=1 on SIGTERM"

np_log "PASS"
