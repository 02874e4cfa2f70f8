#!/usr/bin/env bash
# `nodeplanectl observe` and /metrics through the real daemon: a filtered
# observer sees an allowed connection within 1 s of the datapath's event and
# nothing its filter excludes; a denial reaches a deny-filtered observer with
# the pods named; the metrics move as traffic passes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
obs_setup observe
obs_state false
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
OBS_SOCKET=$NP_WORK/node-a/observe.sock

# observer <out-file> <filters...>: one flow as JSON, each line prefixed with
# the wall-clock time it arrived (epoch seconds).
observer() {
  local out=$1; shift
  "$NODEPLANECTL" --socket "$OBS_SOCKET" --output json observe --since-now --count 1 "$@" |
    while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done > "$out" &
  NP_PIDS+=($!)
}

verdicts_before=$(obs_metric 'nodeplane_policy_verdicts_total{direction="ingress",verdict="allow"}')
forwarded_before=$(obs_metric 'nodeplane_datapath_packets_total{outcome="forwarded_local"}')

np_log "An observer of pod e2e/a's allowed flows sees b -> a within 1 s of its event"
observer "$NP_WORK/allow.out" --pod e2e/a --verdict allow
sleep 0.3
# The first connection may come before the observer's filter reached the
# daemon; then it is not shown, and the next one is.
for _ in $(seq 10); do
  [[ $(obs_connect b 10.200.1.10) == a ]] || np_fail "b -> a was not answered"
  sleep 0.3
  [[ -s $NP_WORK/allow.out ]] && break
done
[[ -s $NP_WORK/allow.out ]] || np_fail "the observer showed no flow"
read -r arrived line < "$NP_WORK/allow.out"
np_log "observed: $line"
jq -e '.verdict == "allow" and (.src.pod == "b" or .dst.pod == "b") and (.src.pod == "a" or .dst.pod == "a")
  and .protocol == "tcp"' <<<"$line" >/dev/null || np_fail "unexpected flow: $line"
event=$(date -d "$(jq -r .time <<<"$line")" +%s.%N)
lag=$(awk -v a="$arrived" -v e="$event" 'BEGIN { printf "%.3f", a - e }')
np_log "shown ${lag}s after the datapath's event"
awk -v l="$lag" 'BEGIN { exit !(l < 1.0 && l > -0.1) }' || np_fail "the flow was shown ${lag}s after its event"

np_log "A deny-filtered observer of pod e2e/c sees c -> a denied, and not b -> a"
observer "$NP_WORK/deny.out" --pod e2e/c --verdict deny
sleep 0.3
[[ $(obs_connect b 10.200.1.10) == a ]] || np_fail "b -> a was not answered"
for _ in $(seq 10); do
  [[ -z $(obs_connect c 10.200.1.10 1) ]] || np_fail "c -> a was answered"
  [[ -s $NP_WORK/deny.out ]] && break
done
[[ -s $NP_WORK/deny.out ]] || np_fail "the deny observer showed nothing"
read -r _ line < "$NP_WORK/deny.out"
np_log "observed: $line"
jq -e '.verdict == "deny" and .kind == "policy-verdict" and .src.pod == "c" and .dst.pod == "a"
  and .direction == "ingress" and .dst.port == 8080' <<<"$line" >/dev/null || np_fail "unexpected flow: $line"

np_log "The metrics moved with the traffic"
verdicts_after=$(obs_metric 'nodeplane_policy_verdicts_total{direction="ingress",verdict="allow"}')
forwarded_after=$(obs_metric 'nodeplane_datapath_packets_total{outcome="forwarded_local"}')
denied=$(obs_metric 'nodeplane_policy_verdicts_total{direction="ingress",verdict="deny"}')
np_log "allow verdicts $verdicts_before -> $verdicts_after, deny $denied, forwarded_local $forwarded_before -> $forwarded_after"
(( verdicts_after >= verdicts_before + 2 )) || np_fail "allow verdicts did not move"
(( denied >= 1 )) || np_fail "no deny verdict counted"
(( forwarded_after > forwarded_before )) || np_fail "forwarded packets did not move"
metrics=$(np_in node-a curl -s -m 2 http://127.0.0.1:9965/metrics)
grep -q '^nodeplane_map_entries{map="np_policy_v1"} [1-9]' <<<"$metrics" ||
  np_fail "the policy map's fill is not shown: $(grep -E '^nodeplane_(map_entries|metrics_collect_errors)' <<<"$metrics" | tr '\n' ' ')"
np_log "PASS"
