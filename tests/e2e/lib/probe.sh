# Continuous traffic around a disturbance (restart, upgrade, shutdown) with
# np-traffic-probe (tests/support/traffic_probe): start it in a namespace,
# wait for its long-lived connections, stop it, and check its report.
# Needs NP_TRAFFIC_PROBE (the built binary). Source after lib/common.sh.

: "${NP_TRAFFIC_PROBE:?path to np-traffic-probe}"

declare -A NP_PROBE_PID=()

np_probe_report() { echo "$NP_WORK/probe-$1.json"; }

# np_probe_start <handle> <ns> [np-traffic-probe arguments...]: runs until
# np_probe_stop; its report is $(np_probe_report <handle>), its output
# $NP_WORK/probe-<handle>.log.
np_probe_start() {
  local handle=$1 ns=$2; shift 2
  ip netns exec "$(np_ns "$ns")" "$NP_TRAFFIC_PROBE" --report "$(np_probe_report "$handle")" "$@" \
    >"$NP_WORK/probe-$handle.log" 2>&1 &
  NP_PROBE_PID[$handle]=$!
  NP_PIDS+=($!)
}

# np_probe_wait_long_lived <handle> <count> [timeout-s]: until <count> of its
# long-lived connections exchanged their first line.
np_probe_wait_long_lived() {
  local handle=$1 want=$2 timeout=${3:-10} got=0
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    got=$(grep -c '^long-lived .* established$' "$NP_WORK/probe-$handle.log" 2>/dev/null || true)
    ((got >= want)) && return 0
    sleep 0.1
  done
  np_fail "probe $handle: $got of $want long-lived connections established within ${timeout}s: $(cat "$NP_WORK/probe-$handle.log")"
}

# np_probe_stop <handle>: SIGTERM, then waits for the report.
np_probe_stop() {
  local handle=$1 pid=${NP_PROBE_PID[$1]}
  kill -TERM "$pid" 2>/dev/null || np_fail "probe $handle is not running: $(cat "$NP_WORK/probe-$handle.log")"
  wait "$pid" 2>/dev/null || np_fail "probe $handle failed: $(cat "$NP_WORK/probe-$handle.log")"
  [[ -s $(np_probe_report "$handle") ]] || np_fail "probe $handle wrote no report"
}

# np_probe_summary <handle>: one line per target, for the log and the figures.
np_probe_summary() {
  jq -r '.targets | to_entries[] | .key as $n | .value |
    "\($n) (\(.address), \(.kind)): \(.attempts) connections, \(.ok) ok, \(.failures) failed" +
    (if .longLived then "; long-lived: \(.longLived.exchanges) exchanges, \(.longLived.breaks) breaks" else "" end) +
    (if (.reasons | length) > 0 then "; reasons \(.reasons | tostring)" else "" end)' "$(np_probe_report "$1")"
}

# np_probe_expect_clean <handle> [min-attempts]: every target answered every
# connection (denied ones: none got through), at least min-attempts each
# (default 20), and every long-lived connection survived.
np_probe_expect_clean() {
  local handle=$1 min=${2:-20} report bad
  report=$(np_probe_report "$handle")
  np_probe_summary "$handle" | while read -r line; do np_log "probe $handle: $line"; done
  bad=$(jq -r --argjson min "$min" '.targets | to_entries[] | .key as $n | .value |
    if .failures > 0 then "\($n): \(.failures) of \(.attempts) connections failed, first \(.firstFailure | tostring), last \(.lastFailure | tostring)"
    elif .attempts < $min then "\($n): only \(.attempts) connections (expected at least \($min))"
    elif .longLived and (.longLived.survived | not) then "\($n): the long-lived connection broke \(.longLived.breaks) times, first \(.firstFailure | tostring)"
    else empty end' "$report")
  [[ -z $bad ]] || np_fail "probe $handle: $bad"
}

# np_probe_field <handle> <target> <jq path below the target>: one number.
np_probe_field() { jq -r --arg t "$2" ".targets[\$t]$3" "$(np_probe_report "$1")"; }
