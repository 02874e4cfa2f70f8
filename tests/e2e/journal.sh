#!/usr/bin/env bash
# Under systemd the daemon logs native journal records with structured fields.
# Runs in a private mount namespace where a tmpfs over /run/systemd holds a
# stand-in journal socket, so the host's journal (if any) is never touched;
# stderr is "the journal's stream" by the same $JOURNAL_STREAM test systemd
# sets up for a service.
set -euo pipefail
if [[ "${1:-}" != --inside ]]; then
  exec unshare --mount --propagation private -- bash "$0" --inside
fi
source "$(dirname "$0")/lib/common.sh"
np_init journal

mount -t tmpfs tmpfs /run/systemd
mkdir -p /run/systemd/journal
np_bg socat -u UNIX-RECV:/run/systemd/journal/socket OPEN:"$NP_WORK/journal.raw",creat,append
for _ in $(seq 50); do [[ -S /run/systemd/journal/socket ]] && break; sleep 0.1; done

np_single_node_setup a
stream=$NP_WORK/stderr.log
: > "$stream"
journal_stream=$(stat -c '%d:%i' "$stream")
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A"
ip netns exec "$(np_ns node-a)" env JOURNAL_STREAM="$journal_stream" "$NODEPLANED" \
  --config "$NP_WORK/node-a/nodeplane.toml" 2>>"$stream" &
NP_PIDS+=($!)
np_wait_health node-a "$HEALTHZ" 200

np_log "a refused snapshot is logged at error priority"
echo 'format = 2' > "$SNAPSHOT"
for _ in $(seq 50); do grep -aq 'PRIORITY=3' "$NP_WORK/journal.raw" && break; sleep 0.1; done

raw=$NP_WORK/journal.raw
grep -aq 'MESSAGE=Serving: datapath attached and generation 1 applied' "$raw" || np_fail "no 'Serving' record in the journal: $(head -c 600 "$raw")"
grep -aq 'SYSLOG_IDENTIFIER=nodeplaned' "$raw" || np_fail "records lack SYSLOG_IDENTIFIER=nodeplaned"
grep -aq 'NODEPLANE_NODE=node-a' "$raw" || np_fail "records lack NODEPLANE_NODE=node-a"
grep -aq 'PRIORITY=6' "$raw" || np_fail "no info-priority record"
grep -aq 'PRIORITY=3' "$raw" || np_fail "the refused snapshot was not logged at error priority"
[[ ! -s "$stream" ]] || np_fail "the daemon also wrote to stderr while it is the journal's stream: $(head -n 3 "$stream")"

np_log "PASS"
