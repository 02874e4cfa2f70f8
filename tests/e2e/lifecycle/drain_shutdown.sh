#!/usr/bin/env bash
# System shutdown drains first, without powering off this host: a private
# dbus-daemon plays the system bus and fake_logind plays logind on it. The
# daemon takes a "delay" inhibitor lock for shutdown at start; when "logind"
# announces a shutdown (PrepareForShutdown(true), on SIGUSR1) /healthz turns
# 503 within 1 s, traffic keeps flowing for drain-seconds, then the daemon
# closes the lock's fd (logind sees it released) and exits 0. Without logind
# on the bus the daemon warns once and serves.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/probe.sh"
source "$(dirname "$0")/drain_lib.sh"
: "${NP_FAKE_LOGIND:?path to fake_logind}"
np_init drainshut

command -v dbus-daemon >/dev/null || np_fail "dbus-daemon is missing (Debian package dbus-daemon)"
BUS_DIR=$NP_WORK/bus
mkdir -p "$BUS_DIR"
BUS_SOCKET=$BUS_DIR/system_bus_socket
# A system bus for this test alone: only root's processes use it, so its
# policy lets every connection own names and call methods.
cat > "$BUS_DIR/system.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$BUS_SOCKET</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
np_bg dbus-daemon --config-file="$BUS_DIR/system.conf" --nofork --nopidfile 2>"$NP_WORK/dbus-daemon.log"
for _ in $(seq 50); do [[ -S $BUS_SOCKET ]] && break; sleep 0.1; done
[[ -S $BUS_SOCKET ]] || np_fail "the private dbus-daemon did not start"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$BUS_SOCKET

LOGIND_LOG=$NP_WORK/logind-events.txt
DRAIN_SECONDS=3
# logind's InhibitDelayMaxSec as the shipped drop-in sets it (45 s).
"$NP_FAKE_LOGIND" --log "$LOGIND_LOG" --max-delay-usec 45000000 2>"$NP_WORK/fake-logind.log" &
LOGIND_PID=$!
NP_PIDS+=($LOGIND_PID)
for _ in $(seq 50); do grep -q " ready$" "$LOGIND_LOG" 2>/dev/null && break; sleep 0.1; done
grep -q " ready$" "$LOGIND_LOG" 2>/dev/null || np_fail "fake_logind did not start: $(cat "$NP_WORK/fake-logind.log")"

drain_setup $DRAIN_SECONDS true
np_daemon_start node-a DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS"
np_wait_health node-a "$HEALTHZ" 200 20

np_log "the daemon holds a delay lock for shutdown"
grep -q " inhibit what=shutdown who=nodeplane mode=delay why=" "$LOGIND_LOG" \
  || np_fail "no delay lock taken: $(cat "$LOGIND_LOG")"
grep -q "Holding a logind delay lock for shutdown" "$NP_WORK/node-a-daemon.log" || np_fail "the log does not say so"
grep -q "InhibitDelayMaxSec is" "$NP_WORK/node-a-daemon.log" && np_fail "warned about a 45 s InhibitDelayMaxSec"
grep -q " released " "$LOGIND_LOG" && np_fail "the lock was released before any shutdown"

np_probe_start traffic a --long-lived --timeout-ms 800 --target a-to-b=10.200.1.11:8080
np_probe_wait_long_lived traffic 1

np_log "shutdown announced: 503 within 1 s, forwarding for drain-seconds"
kill -USR1 $LOGIND_PID
drain_healthz_within 503 1000
[[ $(drain_field 'reasons | join(",")') == shutdown ]] || np_fail "reasons: $(np_status_json node-a .drain)"
[[ $(drain_field exiting) == true ]] || np_fail "not exiting on shutdown"
[[ $(np_http_status node-a "$LIVEZ") == 200 ]] || np_fail "/livez is not 200 while draining for shutdown"

pid=$(np_daemon_pid node-a)
for _ in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && np_fail "the daemon did not exit within 6 s of a $DRAIN_SECONDS s shutdown drain"
rc=0; wait "$pid" || rc=$?
(( rc == 0 )) || np_fail "the daemon exited $rc after the shutdown drain, expected 0"

np_log "logind saw the lock released drain-seconds after the announcement"
announced=$(awk '$2 == "prepare-for-shutdown" {print $1}' "$LOGIND_LOG")
released=$(awk '$2 == "released" && $3 == "who=nodeplane" {print $1}' "$LOGIND_LOG")
[[ -n $announced && -n $released ]] || np_fail "logind events: $(cat "$LOGIND_LOG")"
held=$((released - announced))
(( held >= DRAIN_SECONDS * 1000 - 100 )) || np_fail "the lock was released $held ms after the announcement, before drain-seconds"
(( held <= DRAIN_SECONDS * 1000 + 1500 )) || np_fail "the lock was held $held ms, far past drain-seconds"
np_log "lock released $held ms after PrepareForShutdown(true)"

np_log "no logind on the bus: one warning, and the daemon serves"
kill -TERM $LOGIND_PID
wait $LOGIND_PID 2>/dev/null || true
np_daemon_start node-a DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS"
np_wait_health node-a "$HEALTHZ" 200 20
warnings=$(grep -c "No shutdown inhibitor lock: Failed to take a shutdown delay lock from logind" "$NP_WORK/node-a-daemon.log" || true)
(( warnings == 1 )) || np_fail "expected one warning without logind, got $warnings: $(tail -5 "$NP_WORK/node-a-daemon.log")"
np_daemon_stop node-a

np_log "forwarding carried on through the drain and after the exit"
sleep 1
np_probe_stop traffic
np_probe_expect_clean traffic
np_log "PASS"
