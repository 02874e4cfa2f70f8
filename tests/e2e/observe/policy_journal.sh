#!/usr/bin/env bash
# Policy action records reach the journal with structured fields
# ([policy-logging] journal = true, docs/configuration.md): an allowed and a
# denied connection each give one native journal entry whose MESSAGE is the
# record's JSON line (the same as in the file) and whose NODEPLANE_POLICY_*
# fields carry the connection as it was made. Like tests/e2e/journal.sh it
# runs in a private mount namespace where a tmpfs over /run/systemd holds a
# stand-in journal socket (socat keeps its datagrams), so the host's journal
# is never touched.
set -euo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --mount --propagation private -- bash "$0" --inside
fi
source "$(dirname "$0")/lib.sh"
obs_setup pjournal

mount -t tmpfs tmpfs /run/systemd
mkdir -p /run/systemd/journal
raw=$NP_WORK/journal.raw
np_bg socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$raw",creat,append
for _ in $(seq 50); do [[ -S /run/systemd/journal/socket ]] && break; sleep 0.1; done
[[ -S /run/systemd/journal/socket ]] || np_fail "the stand-in journal socket did not appear"

obs_state false
obs_logging true false true false
sed -i 's/^journal = false$/journal = true/' "$NP_WORK/node-a/nodeplane.toml.d/50-policy-logging.toml"
grep -q '^journal = true$' "$NP_WORK/node-a/nodeplane.toml.d/50-policy-logging.toml" || np_fail "journal not turned on"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

# entries: the captured datagrams, one file per entry. Every entry the
# daemon sends starts with MESSAGE= and holds no field with a newline, so
# none is in journald's binary form and lines split the stream.
entries() {
  rm -rf "$NP_WORK/entries"
  mkdir "$NP_WORK/entries"
  awk -v dir="$NP_WORK/entries" '/^MESSAGE=/ { close(out); out = dir "/" ++n } n { print > out }' "$raw"
}

# policy_entry <disposition>: the path of the one entry of that disposition.
policy_entry() {
  local found
  found=$(grep -alx "NODEPLANE_POLICY_DISPOSITION=$1" "$NP_WORK"/entries/* 2>/dev/null || true)
  (( $(grep -c . <<<"$found") == 1 )) || np_fail "expected one $1 entry, found: ${found:-none}: $(cat "$raw")"
  echo "$found"
}

# expect_fields <entry> <FIELD=value...>: each is one whole line of the entry.
expect_fields() {
  local entry=$1; shift
  for field in "$@"; do
    grep -aqxF "$field" "$entry" || np_fail "the entry lacks '$field': $(cat "$entry")"
  done
}

np_log "b -> a from source port 40123, allowed by a-from-b"
answer=$({ echo hi | np_in b socat -T 2 - TCP:10.200.1.10:8080,sourceport=40123,connect-timeout=2 2>/dev/null |
  head -n 1; } || true)
[[ $answer == a ]] || np_fail "b -> a was not answered"
np_log "c -> a, denied: its SYNs fold into one record after 5 s"
denied_before=$(np_stat node-a drop_policy_denied)
[[ -z $(obs_connect c 10.200.1.10 2) ]] || np_fail "c -> a was answered"
denied=$(( $(np_stat node-a drop_policy_denied) - denied_before ))
(( denied >= 1 )) || np_fail "the datapath denied nothing"
for _ in $(seq 80); do grep -aqx 'NODEPLANE_POLICY_DISPOSITION=deny' "$raw" && break; sleep 0.1; done
entries
np_log "captured $(ls "$NP_WORK/entries" | wc -l) journal entries"

allow=$(policy_entry allow)
np_log "allow entry: $(tr '\n' ' ' < "$allow")"
expect_fields "$allow" PRIORITY=6 SYSLOG_IDENTIFIER=nodeplaned NODEPLANE_NODE=node-a \
  NODEPLANE_POLICY_DIRECTION=ingress NODEPLANE_POLICY_PROTOCOL=tcp \
  NODEPLANE_POLICY_SRC_IP=10.200.1.11 NODEPLANE_POLICY_SRC_PORT=40123 \
  NODEPLANE_POLICY_DEST_IP=10.200.1.10 NODEPLANE_POLICY_DEST_PORT=8080 NODEPLANE_POLICY_COUNT=1 \
  NODEPLANE_POLICY_SRC_POD=b NODEPLANE_POLICY_SRC_NAMESPACE=e2e \
  NODEPLANE_POLICY_SRC_WORKLOAD_KIND=Deployment NODEPLANE_POLICY_SRC_WORKLOAD_NAME=web \
  NODEPLANE_POLICY_DEST_POD=a NODEPLANE_POLICY_DEST_NAMESPACE=e2e \
  NODEPLANE_POLICY_DEST_WORKLOAD_KIND=StatefulSet NODEPLANE_POLICY_DEST_WORKLOAD_NAME=store \
  NODEPLANE_POLICY_NAME=e2e/a-from-b
message=$(grep -a '^MESSAGE=' "$allow" | sed 's/^MESSAGE=//')
grep -qxF "$message" "$POLICY_LOG_FILE" ||
  np_fail "MESSAGE is not the file's record: $message vs $(cat "$POLICY_LOG_FILE")"
jq -e '.disposition == "allow" and .connection.src_port == 40123' <<<"$message" >/dev/null ||
  np_fail "MESSAGE is not the allow record: $message"

deny=$(policy_entry deny)
np_log "deny entry: $(tr '\n' ' ' < "$deny")"
expect_fields "$deny" PRIORITY=5 SYSLOG_IDENTIFIER=nodeplaned NODEPLANE_NODE=node-a \
  NODEPLANE_POLICY_DIRECTION=ingress NODEPLANE_POLICY_PROTOCOL=tcp \
  NODEPLANE_POLICY_SRC_IP=10.200.1.12 NODEPLANE_POLICY_SRC_PORT=0 \
  NODEPLANE_POLICY_DEST_IP=10.200.1.10 NODEPLANE_POLICY_DEST_PORT=8080 "NODEPLANE_POLICY_COUNT=$denied" \
  NODEPLANE_POLICY_SRC_POD=c NODEPLANE_POLICY_SRC_NAMESPACE=e2e \
  NODEPLANE_POLICY_DEST_POD=a NODEPLANE_POLICY_DEST_NAMESPACE=e2e
! grep -aq '^NODEPLANE_POLICY_NAME=' "$deny" || np_fail "a denial names an allowing policy: $(cat "$deny")"
! grep -aq '^NODEPLANE_POLICY_SRC_WORKLOAD' "$deny" || np_fail "pod c has no owner, yet: $(cat "$deny")"
message=$(grep -a '^MESSAGE=' "$deny" | sed 's/^MESSAGE=//')
jq -e --argjson n "$denied" '.disposition == "deny" and .count == $n and .src.pod_name == "c"' \
  <<<"$message" >/dev/null || np_fail "MESSAGE is not the deny record: $message"
grep -qxF "$message" "$POLICY_LOG_FILE" ||
  np_fail "MESSAGE is not the file's record: $message vs $(cat "$POLICY_LOG_FILE")"
# A record is about a connection: the sink's own source line is not in it.
! grep -aq '^CODE_\(FILE\|LINE\|FUNC\)=' "$allow" "$deny" ||
  np_fail "policy entries carry the sink's source location: $(grep -a '^CODE_' "$allow")"
np_log "PASS"
