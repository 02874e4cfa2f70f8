#!/usr/bin/env bash
# The watchdog catches a hung loop: with WatchdogSec=3s the daemon's loop
# pets it (WATCHDOG=1 from sd_event_set_watchdog) for as long as it runs;
# once the loop stops (SIGSTOP), the petting stops and the daemon is killed
# for it within WatchdogSec plus slack, while the pinned datapath keeps
# forwarding pod to pod.
#
# Under systemd (PID 1), the daemon runs as a transient unit in the test's
# network namespace and systemd itself must report Result=watchdog. Without
# systemd (containers, this CI), the test plays systemd's part of the
# protocol: NOTIFY_SOCKET and WATCHDOG_USEC as systemd sets them, and a
# deadline that, once missed, sends what systemd sends (SIGABRT, then
# SIGCONT), so the daemon's half is tested either way.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
np_init watchdog

WATCHDOG_S=3
SLACK_S=4
ulimit -c 0  # SIGABRT must not leave a core file in the working directory

np_single_node_setup a b
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
CONFIG=$NP_WORK/node-a/nodeplane.toml

# --- with systemd ----------------------------------------------------------
with_systemd() {
  local unit=nodeplane-wd-test-$$
  np_cleanup_extra() {
    systemctl kill -s KILL "$unit" 2>/dev/null
    systemctl stop "$unit" 2>/dev/null
    systemctl reset-failed "$unit" 2>/dev/null
    true
  }
  systemd-run --quiet --unit "$unit" -p Type=notify -p NotifyAccess=main -p WatchdogSec=${WATCHDOG_S}s \
    -p NetworkNamespacePath=/run/netns/"$(np_ns node-a)" -p LimitCORE=0 \
    "$NODEPLANED" --config "$CONFIG" || np_fail "systemd-run failed"
  for _ in $(seq 100); do
    [[ $(systemctl show -p ActiveState --value "$unit") == active ]] && break
    sleep 0.1
  done
  [[ $(systemctl show -p ActiveState --value "$unit") == active ]] ||
    np_fail "$unit did not become active: $(systemctl status --no-pager "$unit" 2>&1 | tail -n 20)"
  np_expect_ping a 10.200.1.11

  np_log "active for more than twice WatchdogSec: the loop pets"
  sleep $((2 * WATCHDOG_S + 1))
  [[ $(systemctl show -p ActiveState --value "$unit") == active ]] ||
    np_fail "$unit is no longer active after $((2 * WATCHDOG_S + 1)) s: $(systemctl show -p Result --value "$unit")"

  np_log "SIGSTOP: the loop hangs"
  local pid; pid=$(systemctl show -p MainPID --value "$unit")
  local stopped=$SECONDS
  kill -STOP "$pid"
  np_expect_ping a 10.200.1.11
  local result=""
  while ((SECONDS - stopped <= WATCHDOG_S + SLACK_S)); do
    result=$(systemctl show -p Result --value "$unit")
    [[ $result == watchdog ]] && break
    sleep 0.2
  done
  [[ $result == watchdog ]] ||
    np_fail "systemd did not report a watchdog timeout within $((WATCHDOG_S + SLACK_S)) s (Result=$result)"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$pid" 2>/dev/null || np_fail "systemd reported the watchdog but the daemon still runs"
  np_log "systemd: Result=watchdog $((SECONDS - stopped)) s after the SIGSTOP"
}

# --- without systemd: the test plays its part ---------------------------------
without_systemd() {
  local notify=$NP_WORK/notify.sock log=$NP_WORK/notify.log
  np_bg socat -u UNIX-RECV:"$notify",unlink-early OPEN:"$log",creat,append
  for _ in $(seq 50); do [[ -S $notify ]] && break; sleep 0.1; done
  [[ -S $notify ]] || np_fail "the notify socket did not appear"
  # Datagrams carry no trailing newline: count messages, not lines.
  pets() { grep -o 'WATCHDOG=1' "$log" | wc -l; }
  now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
  # Sampled every 100 ms: when the pet count last grew.
  local seen=0 last_pet_ms
  sample() {
    local count; count=$(pets)
    if ((count != seen)); then seen=$count; last_pet_ms=$(now_ms); fi
  }

  np_daemon_start node-a NOTIFY_SOCKET="$notify" WATCHDOG_USEC=$((WATCHDOG_S * 1000000))
  local pid; pid=$(np_daemon_pid node-a)
  np_wait_health node-a "$HEALTHZ" 200
  np_expect_ping a 10.200.1.11

  np_log "running for more than twice WatchdogSec: no gap between pets reaches WatchdogSec"
  last_pet_ms=$(now_ms)
  local began; began=$(now_ms)
  local gap worst=0 first
  first=$(pets)
  while (( $(now_ms) - began < (2 * WATCHDOG_S + 1) * 1000 )); do
    sample
    gap=$(( $(now_ms) - last_pet_ms ))
    ((gap > worst)) && worst=$gap
    ((gap < WATCHDOG_S * 1000)) || np_fail "no WATCHDOG=1 for $gap ms while the daemon runs ($(pets) so far)"
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null || np_fail "the daemon died while petting"
  local pets_running=$(( $(pets) - first ))
  # sd-event pets between a half and three quarters of WATCHDOG_USEC
  # after the last pet (its timer's accuracy): at least one per 2.25 s.
  ((pets_running >= (2 * WATCHDOG_S + 1) * 1000 / (WATCHDOG_S * 750))) ||
    np_fail "only $pets_running WATCHDOG=1 in $((2 * WATCHDOG_S + 1)) s with WATCHDOG_USEC=${WATCHDOG_S} s"
  np_log "$pets_running pets in $((2 * WATCHDOG_S + 1)) s, longest gap about $worst ms"

  np_log "SIGSTOP: the loop hangs, the pets stop"
  sample
  local stopped_ms; stopped_ms=$(now_ms)
  kill -STOP "$pid"
  np_expect_ping a 10.200.1.11
  local fired=0
  while (( $(now_ms) - stopped_ms <= (WATCHDOG_S + SLACK_S) * 1000 )); do
    sample
    if (( $(now_ms) - last_pet_ms >= WATCHDOG_S * 1000 )); then fired=1; break; fi
    sleep 0.1
  done
  ((fired)) || np_fail "WATCHDOG=1 kept coming after the SIGSTOP"
  local after_ms=$(( $(now_ms) - stopped_ms ))
  # The last pet came at most half an interval before the stop.
  ((after_ms <= (WATCHDOG_S + 1) * 1000)) || np_fail "the deadline passed only $after_ms ms after the SIGSTOP"
  # What systemd sends on the deadline: WatchdogSignal (SIGABRT), then SIGCONT.
  kill -ABRT "$pid"
  kill -CONT "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  ! kill -0 "$pid" 2>/dev/null || np_fail "the daemon survived SIGABRT"
  np_log "watchdog deadline missed $after_ms ms after the SIGSTOP; the daemon killed as systemd would"
}

state=$(systemctl is-system-running 2>/dev/null || true)
if [[ $(ps -p 1 -o comm=) == systemd && ($state == running || $state == degraded) ]]; then
  with_systemd
else
  np_log "systemd is not PID 1 here: the test plays systemd's watchdog part"
  without_systemd
fi

np_log "the pinned datapath forwards with no daemon"
np_expect_ping a 10.200.1.11
np_log "PASS"
