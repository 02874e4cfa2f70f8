#!/usr/bin/env bash
# Manual drain under continuous traffic: `nodeplanectl drain` turns /healthz
# 503 within 1 s, forwarding and a long-lived connection carry on, the daemon
# keeps running and says why in status; a restart comes back drained (the
# marker); `undrain` makes it healthy again. A stop during a manual drain
# exits once the drain has run drain-seconds, and an undrain then is refused.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/probe.sh"
source "$(dirname "$0")/drain_lib.sh"
np_init drainman

DRAIN_SECONDS=3
drain_setup $DRAIN_SECONDS
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200 20
[[ $(drain_field draining) == false ]] || np_fail "draining before any drain"

np_probe_start traffic a --long-lived --timeout-ms 800 --target a-to-b=10.200.1.11:8080
np_probe_wait_long_lived traffic 1

np_log "drain: 503 within 1 s, the daemon keeps running"
out=$(np_ctl node-a drain) || np_fail "nodeplanectl drain failed: $out"
drain_healthz_within 503 1000
grep -q "load balancers should have moved away in [0-9]* s" <<<"$out" || np_fail "drain did not say when: $out"
[[ $(np_http_status node-a "$LIVEZ") == 200 ]] || np_fail "/livez is not 200 while drained"
[[ -f $DRAIN_MARKER ]] || np_fail "no drain marker at $DRAIN_MARKER"
[[ $(drain_field draining) == true && $(drain_field exiting) == false ]] || np_fail "status: $(np_status_json node-a .drain)"
[[ $(drain_field 'reasons | join(",")') == manual ]] || np_fail "reasons: $(np_status_json node-a .drain)"
np_ctl node-a status | grep -q "^Drain:    drained (manual) since" || np_fail "status text: $(np_ctl node-a status | head -5)"
sleep $((DRAIN_SECONDS + 1))
kill -0 "$(np_daemon_pid node-a)" || np_fail "the daemon exited on a manual drain"
np_ctl node-a status | grep -q "should have moved away [0-9]* s ago" || np_fail "status after drain-seconds: $(np_ctl node-a status | head -5)"

np_log "restart while drained: still drained, from the first answer"
np_daemon_stop node-a TERM
np_daemon_start node-a
np_wait_health node-a "$LIVEZ" 200 20
np_wait_generation node-a 1
[[ $(np_http_status node-a "$HEALTHZ") == 503 ]] || np_fail "a restarted daemon is not drained"
[[ $(drain_field 'reasons | join(",")') == manual ]] || np_fail "reasons after restart: $(np_status_json node-a .drain)"

np_log "undrain: healthy again, the marker gone"
out=$(np_ctl node-a undrain) || np_fail "nodeplanectl undrain failed: $out"
drain_healthz_within 200 1000
[[ ! -e $DRAIN_MARKER ]] || np_fail "the drain marker is still there after undrain"
out=$(np_ctl node-a undrain) || np_fail "a second undrain failed: $out"
grep -q "nothing to undo" <<<"$out" || np_fail "a second undrain said: $out"

np_log "drain, then stop: undrain is refused, exit 0 drain-seconds after the drain began"
np_ctl node-a drain >/dev/null
drained_at=$(date +%s%3N)
sleep 1
kill -TERM "$(np_daemon_pid node-a)"
sleep 0.3
[[ $(drain_field exiting) == true ]] || np_fail "not exiting after SIGTERM: $(np_status_json node-a .drain)"
[[ $(drain_field 'reasons | join(",")') == stop,manual ]] || np_fail "reasons: $(np_status_json node-a .drain)"
if out=$(np_ctl node-a undrain 2>&1); then np_fail "undrain during a stop succeeded: $out"; fi
grep -q "Undrain refused: .*stop" <<<"$out" || np_fail "undrain during a stop said: $out"
[[ $(np_http_status node-a "$HEALTHZ") == 503 ]] || np_fail "/healthz is not 503 after the refused undrain"
pid=$(np_daemon_pid node-a)
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
kill -0 "$pid" 2>/dev/null && np_fail "the daemon did not exit within 5 s of a $DRAIN_SECONDS s drain"
took=$(( $(date +%s%3N) - drained_at ))
wait "$pid" || np_fail "the daemon exited non-zero after draining"
(( took >= DRAIN_SECONDS * 1000 - 100 )) || np_fail "exited $took ms after the drain began, before drain-seconds"
np_log "exited $took ms after the manual drain began"
[[ -f $DRAIN_MARKER ]] || np_fail "the stop removed the manual drain's marker"

np_log "the stopped daemon left the datapath forwarding: no failures all along"
sleep 1
np_probe_stop traffic
np_probe_expect_clean traffic
np_log "PASS"
