#!/usr/bin/env bash
# `nodeplanectl observe` keeps up with thousands of new flows a second: pod
# b sends OBS_LOAD_FLOWS UDP datagrams (30000), each from its own source
# port, at OBS_LOAD_RATE a second (20000) to pod a, whose policy admits only
# TCP 8080, so every datagram is a new flow the datapath denies and reports.
# A filtered observer must show every one of them (each source port once),
# report no loss, and show the last within 1 s of the burst's end; the
# datapath must lose no record (events_lost) and deny every datagram.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${NP_FLOW_BURST:?path to np-flow-burst}"
flows=${OBS_LOAD_FLOWS:-30000}
rate=${OBS_LOAD_RATE:-20000}
min_rate=4000
first_port=30000
obs_setup oload
obs_state false
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
OBS_SOCKET=$NP_WORK/node-a/observe.sock
out=$NP_WORK/observed.jsonl
done_at=$NP_WORK/observer.done

np_log "An observer of the denied UDP flows to a:9999, until it has shown $flows"
lost_before=$(np_stat node-a events_lost)
denied_before=$(np_stat node-a drop_policy_denied)
{
  "$NODEPLANECTL" --socket "$OBS_SOCKET" --output json observe --since-now --count "$flows" \
    --pod e2e/a --verdict deny --protocol udp --port 9999 > "$out"
  date +%s.%N > "$done_at"
} &
observer=$!
NP_PIDS+=($observer)
# The filter must have reached the daemon before the first datagram.
for _ in $(seq 50); do
  (( $(obs_metric nodeplane_observe_clients) == 1 )) && break
  sleep 0.1
done
(( $(obs_metric nodeplane_observe_clients) == 1 )) || np_fail "the observer did not start watching"

np_log "b sends $flows new UDP flows to a at $rate/s"
burst=$(np_in b "$NP_FLOW_BURST" --to 10.200.1.10:9999 --count "$flows" --rate "$rate" \
  --first-source-port $first_port) || np_fail "np-flow-burst failed"
np_log "burst: $burst"
sent=$(jq -r .sent <<<"$burst")
achieved=$(jq -r .rate <<<"$burst")
burst_end=$(jq -r .end <<<"$burst")
(( sent == flows )) || np_fail "np-flow-burst sent $sent of $flows"

# Every flow should be on screen within 1 s; 15 s is where a lagging
# observer is told apart from a dead one, and both fail below.
for _ in $(seq 150); do [[ -s $done_at ]] && break; sleep 0.1; done
if [[ ! -s $done_at ]]; then
  kill "$observer" 2>/dev/null || true
  wait "$observer" 2>/dev/null || true
fi
denied=$(( $(np_stat node-a drop_policy_denied) - denied_before ))
events_lost=$(( $(np_stat node-a events_lost) - lost_before ))
shown=$(jq -r 'select(.kind == "policy-verdict") | .src.port' "$out" | sort -u | wc -l)
records=$(jq -c 'select(.kind == "policy-verdict")' "$out" | wc -l)
lost_lines=$(jq -c 'select(has("lost"))' "$out")
stream_lost=$(obs_metric nodeplane_observe_flows_lost_total)
np_log "datapath denied $denied, lost $events_lost records; observer showed $shown distinct source ports" \
  "in $records records; stream lost $stream_lost"
(( denied == flows )) || np_fail "the datapath denied $denied of $flows datagrams (lost on the way in?)"
(( events_lost == 0 )) || np_fail "the datapath lost $events_lost event records (ring full)"
[[ -z $lost_lines ]] || np_fail "the stream reported loss: $lost_lines"
(( stream_lost == 0 )) || np_fail "the stream server counted $stream_lost flows lost"
(( shown == flows && records == flows )) ||
  np_fail "the observer showed $records records of $shown source ports, expected $flows"
stray=$(jq -c -s --argjson first $first_port --argjson n "$flows" '[.[] | select(.kind == "policy-verdict")
  | select((.verdict == "deny" and .protocol == "udp" and .direction == "ingress"
    and .src.pod == "b" and .dst.pod == "a" and .dst.port == 9999
    and .src.port >= $first and .src.port < $first + $n) | not)] | first // empty' "$out")
[[ -z $stray ]] || np_fail "a record is not one of the burst's: $stray"

[[ -s $done_at ]] || np_fail "the observer did not finish"
lag=$(awk -v d="$(cat "$done_at")" -v e="$burst_end" 'BEGIN { printf "%.3f", d - e }')
np_log "$flows flows at $achieved/s: all shown, none lost; the last shown ${lag}s after the burst ended"
awk -v l="$lag" 'BEGIN { exit !(l < 1.0) }' || np_fail "the last flow was shown ${lag}s after the burst ended"
awk -v r="$achieved" -v m=$min_rate 'BEGIN { exit !(r >= m) }' ||
  np_fail "the burst reached only $achieved flows/s, below the $min_rate/s this test is about"
np_log "PASS"
