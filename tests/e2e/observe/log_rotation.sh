#!/usr/bin/env bash
# The policy action log rotates by size and keeps [policy-logging]
# file-backups files: with the smallest file-max-bytes the configuration
# takes (4096) and 2 backups, a burst of denials (each written at once,
# deny-aggregation-seconds = 0) rotates the file many times. Then exactly
# policy_action.log, .1 and .2 remain, each only whole JSON lines, none past
# the limit, each rotated only when the next record would not fit, mode
# 0640 (docs/configuration.md), oldest records in .2 and the newest in the
# file itself, none missing between them. A log directory removed under the
# running daemon is made again (0755) within a second, at the next record.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
: "${NP_FLOW_BURST:?path to np-flow-burst}"
max_bytes=4096
obs_setup plrot
log_dir=$(dirname "$POLICY_LOG_FILE")

obs_state false
mkdir -p "$NP_WORK/node-a/nodeplane.toml.d"
cat > "$NP_WORK/node-a/nodeplane.toml.d/50-policy-logging.toml" <<TOML
[policy-logging]
file = "$POLICY_LOG_FILE"
file-max-bytes = $max_bytes
file-backups = 2
journal = false
max-records-per-second = 100000
deny-aggregation-seconds = 0

[policy-logging.allow]
log = false

[policy-logging.deny]
log = true
delegate = false
TOML
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

# burst <count> <first-source-port>: denied UDP flows b -> a:9999, then
# waits until the daemon counted their records written.
written=0
burst() {
  local count=$1 first=$2
  np_in b "$NP_FLOW_BURST" --to 10.200.1.10:9999 --count "$count" --rate 2000 --first-source-port "$first" \
    >/dev/null || np_fail "np-flow-burst failed"
  written=$((written + count))
  for _ in $(seq 50); do
    (( $(obs_metric nodeplane_policy_log_records_total) >= written )) && break
    sleep 0.1
  done
  local got; got=$(obs_metric nodeplane_policy_log_records_total)
  (( got == written )) || np_fail "the daemon wrote $got records, expected $written"
}

# ports <file>: the source ports of its records, one a line.
ports() { jq -r .connection.src_port "$1"; }

# check_file <file>: whole JSON lines of the burst, within the limit, mode 0640.
check_file() {
  local f=$1
  [[ -f $f ]] || np_fail "$f is missing: $(ls -l "$log_dir")"
  local size; size=$(stat -c %s "$f")
  (( size > 0 && size <= max_bytes )) || np_fail "$f holds $size bytes, the limit is $max_bytes"
  [[ $(tail -c 1 "$f" | od -An -tx1 | tr -d ' ') == 0a ]] || np_fail "$f does not end with a whole line"
  local lines parsed
  lines=$(wc -l < "$f")
  parsed=$(jq -cR 'fromjson | select(.disposition == "deny" and .connection.protocol == "udp")' "$f" | wc -l) ||
    np_fail "$f holds a line that is not JSON: $(cat "$f")"
  (( parsed == lines )) || np_fail "$f: $parsed of $lines lines are the burst's denials"
  [[ $(stat -c %a "$f") == 640 ]] || np_fail "$f has mode $(stat -c %a "$f"), expected 640"
}

np_log "200 denied flows, one record each of about 400 bytes, into a file of $max_bytes bytes with 2 backups"
burst 200 40000
ls -l "$log_dir" >&2
files=$(cd "$log_dir" && ls | sort | tr '\n' ' ')
[[ $files == "policy_action.log policy_action.log.1 policy_action.log.2 " ]] ||
  np_fail "expected policy_action.log, .1 and .2 only, found: $files"
for f in "$POLICY_LOG_FILE.2" "$POLICY_LOG_FILE.1" "$POLICY_LOG_FILE"; do check_file "$f"; done

np_log "Each file was rotated only when its next record would not fit"
for pair in "$POLICY_LOG_FILE.2:$POLICY_LOG_FILE.1" "$POLICY_LOG_FILE.1:$POLICY_LOG_FILE"; do
  older=${pair%%:*} newer=${pair#*:}
  size=$(stat -c %s "$older")
  next=$(( $(head -n 1 "$newer" | wc -c) ))
  (( size + next > max_bytes )) || np_fail "$older was rotated at $size bytes although the next record ($next) fit"
done

np_log "Oldest records in .2, the newest in the file, none missing between them"
all=$(cat <(ports "$POLICY_LOG_FILE.2") <(ports "$POLICY_LOG_FILE.1") <(ports "$POLICY_LOG_FILE"))
first=$(head -n 1 <<<"$all")
last=$(tail -n 1 <<<"$all")
kept=$(wc -l <<<"$all")
np_log "kept $kept records, source ports $first..$last"
(( last == 40199 )) || np_fail "the newest record in the file is from port $last, expected 40199"
[[ $all == "$(seq "$first" "$last")" ]] || np_fail "the kept records are not ports $first..$last in order: $all"
(( $(obs_metric nodeplane_policy_log_records_dropped_total) == 0 )) || np_fail "records were dropped"

np_log "The log directory removed under the daemon is made again at the next record"
rm -rf "$log_dir"
# The daemon looks at the path at most once a second (rotating_file.h):
# records within that second would still go to the removed file.
sleep 1.2
burst 5 41000
[[ -d $log_dir ]] || np_fail "the daemon did not make $log_dir again"
[[ $(stat -c %a "$log_dir") == 755 ]] || np_fail "$log_dir has mode $(stat -c %a "$log_dir"), expected 755"
files=$(cd "$log_dir" && ls | tr '\n' ' ')
[[ $files == "policy_action.log " ]] || np_fail "expected a new policy_action.log only, found: $files"
check_file "$POLICY_LOG_FILE"
[[ $(ports "$POLICY_LOG_FILE") == "$(seq 41000 41004)" ]] ||
  np_fail "the new file holds ports $(ports "$POLICY_LOG_FILE" | tr '\n' ' '), expected 41000..41004"
np_log "PASS"
