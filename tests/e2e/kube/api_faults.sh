#!/usr/bin/env bash
# The daemon against a failing Kubernetes API server: down at boot, killed
# mid-watch, answering 500s, garbage, slowly, refusing an expired token, and
# compacted past the daemon's resourceVersion (410). Through every fault the
# datapath keeps the last good state (pod a -> Service web 10.96.0.10:80
# answered by the backend the API server last named), the daemon stays alive
# and its log names the cause; once the fault is gone, a change made meanwhile
# reaches the datapath. The daemon authenticates with a token file throughout,
# so the token can expire and rotate under it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
np_init kfault

np_single_node_setup a b c
for p in b c; do np_tcp_server $p 8080; done
np_wait_listen b 8080
np_wait_listen c 8080

SVC_IP=10.96.0.10
node_objects() { np_kube_cluster_objects node-a "$POD_A" "$POD_B" "$POD_C"; }
# web_slice <name> <pod-spec...>: an EndpointSlice of web on 8080.
web_slice() { local name=$1; shift; np_kube_slice "$name" web node-a 8080 "$@"; }
# seed <file> <pod-spec...>: the cluster with web's slice web-1 holding those pods.
seed() {
  local file=$1 objects; shift
  mapfile -t objects < <(node_objects)
  np_kube_list "${objects[@]}" "$(np_kube_service web $SVC_IP 80 8080)" "$(web_slice web-1 "$@")" >"$file"
}
# answers <n>: who answered n connections from pod a to web, sorted unique.
answers() {
  for _ in $(seq "$1"); do np_tcp_request a $SVC_IP 80; echo; done | sed '/^$/d' | sort -u | tr '\n' ' '
}
answered_by() { [[ "$(answers 16)" == "$1" ]]; }   # <"b c "...>: 16 connections
watches_open() { (($(np_kube_control GET /state | jq .openWatches) >= $1)); }
expect_kept() { # <backend>: the last good state still forwards, the daemon lives
  np_expect_tcp a $SVC_IP 80 "$1"
  np_expect_alive node-a
}
feed_number() { np_kube_feed node-a "$1"; }

np_kube_pki node-a
np_kube_config node-a kubeconfig-tokenfile
LAST_KNOWN=$(np_kube_last_known node-a)

# ---- 1. down at boot ------------------------------------------------------------
np_log "1. first boot with the API server up: synced, last-known written"
seed "$NP_WORK/seed-b.json" "$POD_B"
np_kube_start node-a --seed "$NP_WORK/seed-b.json"
counts=$(np_kube_control GET /state | jq -c .objects)
[[ "$counts" == '{"namespaces":1,"nodes":1,"pods":3,"services":1,"endpointslices":1}' ]] ||
  np_fail "the seed loaded $counts"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200 30
np_kube_wait_synced node-a 30
np_wait_tcp a $SVC_IP 80 b
np_wait_for "the last-known snapshot holding 10.200.1.11" 15 grep -q 10.200.1.11 "$LAST_KNOWN"

np_log "1. boot with the API server down: the last-known state forwards, degraded"
np_daemon_stop node-a
np_kube_stop
mark=$(np_log_lines node-a)
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200 30
np_kube_wait_feed node-a '.degraded and .servingLastKnown and (.connected | not)' 20
np_wait_tcp a $SVC_IP 80 b 10
np_expect_alive node-a
[[ "$(np_metric node-a nodeplane_state_degraded)" == 1 ]] ||
  np_fail "nodeplane_state_degraded is '$(np_metric node-a nodeplane_state_degraded)', expected 1"
[[ "$(np_metric node-a nodeplane_state_serving_last_known)" == 1 ]] ||
  np_fail "nodeplane_state_serving_last_known is not 1 while booted from the last-known state"
np_wait_log node-a "Kubernetes API [A-Za-z]+: list failed: Couldn't connect to server" 5 "$mark"
[[ "$(np_kube_feed node-a lastError)" == *"Couldn't connect to server"* ]] ||
  np_fail "status lastError '$(np_kube_feed node-a lastError)' does not name the failed connection"
np_wait_log node-a "Serving the last-known state from $LAST_KNOWN \\(the API server cannot be reached: " 5 "$mark"

np_log "1. the API server comes back with web on c: synced, not degraded, c answers"
seed "$NP_WORK/seed-c.json" "$POD_C"
np_kube_start node-a --seed "$NP_WORK/seed-c.json"
np_kube_wait_feed node-a '.synced and .connected and (.degraded | not) and (.servingLastKnown | not)' 45
np_wait_tcp a $SVC_IP 80 c 10
[[ "$(np_metric node-a nodeplane_state_degraded)" == 0 ]] ||
  np_fail "nodeplane_state_degraded is '$(np_metric node-a nodeplane_state_degraded)' after the sync, expected 0"
np_wait_for "the last-known snapshot holding 10.200.1.12" 15 grep -q 10.200.1.12 "$LAST_KNOWN"

# ---- 2. killed mid-watch ----------------------------------------------------------
np_log "2. the API server is killed while the daemon watches: state kept, not connected"
np_wait_for "the daemon's 6 watches open" 10 watches_open 6
old_rv=$(np_kube_rv)
relists=$(feed_number relists)
mark=$(np_log_lines node-a)
np_kube_stop KILL
np_kube_wait_feed node-a '(.connected | not) and .degraded and (.lastError | test("transfer closed|connect to server"))' 20
np_wait_log node-a 'Kubernetes API [A-Za-z]+: watch failed: .*(transfer closed|connect to server)' 10 "$mark"
expect_kept c

np_log "2. a new server past the old resourceVersions, web on b: 410, relist, b answers"
np_kube_start node-a --seed "$NP_WORK/seed-b.json" --initial-resource-version $((old_rv + 1000))
np_kube_wait_synced node-a 45
np_wait_tcp a $SVC_IP 80 b 10
np_wait_log node-a "Kubernetes API [A-Za-z]+: resourceVersion [0-9]+ is gone \\(410\\), listing again" 5 "$mark"
(($(feed_number relists) >= relists + 6)) ||
  np_fail "relists went from $relists to $(feed_number relists), expected every kind (6) to relist"

# ---- 3. 500s, garbage, slow -------------------------------------------------------
# fault_round <fault-json> <log-ERE> <from> <to>: with the fault on every
# request and the watches closed into it, the cause is logged and counted and
# <from> keeps answering; web moved to <to> meanwhile is applied once cleared.
fault_round() {
  local fault=$1 cause=$2 from=$3 to=$4
  local errors; errors=$(feed_number errors)
  local mark; mark=$(np_log_lines node-a)
  np_kube_fault "$fault"
  np_kube_close_watches
  np_wait_log node-a "Kubernetes API [A-Za-z]+: watch failed: $cause" 15 "$mark"
  np_kube_wait_feed node-a "(.connected | not) and .errors > $errors" 10
  np_kube_apply "$(web_slice web-1 "$to")"
  expect_kept "$from"
  np_kube_clear_faults
  np_wait_tcp a $SVC_IP 80 "${to%%:*}" 30
  np_kube_wait_synced node-a 30
}

np_log "3. HTTP 500 on every request"
fault_round '{"type": "error", "code": 500}' 'HTTP 500' b "$POD_C"
np_log "3. garbage answers (HTTP 200, not JSON)"
fault_round '{"type": "garbage"}' 'watch event is not valid JSON' c "$POD_B"

np_log "3. a slow server (1 s before each event) still delivers a change"
np_kube_fault '{"type": "slow", "delay": 1}'
np_kube_close_watches
np_kube_wait_synced node-a 20
start=$(date +%s%N)
np_kube_apply "$(web_slice web-1 "$POD_C")"
np_wait_tcp a $SVC_IP 80 c 30
took_ms=$((($(date +%s%N) - start) / 1000000))
np_kube_clear_faults
# The event waited its second: the watch really was a slow one.
((took_ms >= 1000)) || np_fail "the change arrived after ${took_ms} ms, before the slow server's 1 s delay"
np_log "3. the change arrived through the slow watch after ${took_ms} ms"

# ---- 4. token expired -------------------------------------------------------------
np_log "4. the token expires: 401 logged, state kept"
mark=$(np_log_lines node-a)
np_kube_control POST /tokens/expire "$(jq -cn --arg t "$(cat "$NP_KUBE_PKI/token")" '{token: $t}')" >/dev/null
np_kube_close_watches
np_wait_log node-a 'Kubernetes API [A-Za-z]+: watch failed: HTTP 401 .*Unauthorized' 15 "$mark"
np_kube_wait_feed node-a '(.connected | not) and (.lastError | test("401"))' 10
np_kube_apply "$(web_slice web-1 "$POD_B")"
expect_kept c

np_log "4. a rotated token (server and token file): recovered without a restart"
pid=$(np_daemon_pid node-a)
new_token=$(openssl rand -hex 24)
printf '%s\n' "$new_token" >"$NP_KUBE_PKI/tokens.new" && mv "$NP_KUBE_PKI/tokens.new" "$NP_KUBE_PKI/tokens"
printf '%s\n' "$new_token" >"$NP_KUBE_PKI/token.new" && mv "$NP_KUBE_PKI/token.new" "$NP_KUBE_PKI/token"
np_wait_tcp a $SVC_IP 80 b 40
np_kube_wait_synced node-a 20
[[ "$(np_daemon_pid node-a)" == "$pid" ]] && kill -0 "$pid" || np_fail "the daemon was restarted"

# ---- 5. 410 Gone ------------------------------------------------------------------
np_log "5. a deletion the watches miss, then compaction: 410, relist, the deletion applied"
np_kube_apply "$(web_slice web-2 "$POD_C")"
np_wait_for "connections spread over b and c" 20 answered_by "b c "
mark=$(np_log_lines node-a)
relists=$(feed_number relists)
# Watches fail (lists do not) while web-2 is deleted and the history compacted.
np_kube_fault '{"type": "error", "code": 503, "path": "watch=1"}'
np_kube_close_watches
np_wait_log node-a 'Kubernetes API EndpointSlices: watch failed: HTTP 503' 15 "$mark"
np_kube_remove "$(web_slice web-2 "$POD_C")"
np_kube_control POST /compact >/dev/null
np_kube_clear_faults
np_wait_log node-a 'Kubernetes API EndpointSlices: resourceVersion [0-9]+ is gone \(410\), listing again' 40 "$mark"
np_kube_wait_synced node-a 20
(($(feed_number relists) > relists)) ||
  np_fail "relists stayed at $relists after the 410"
np_wait_for "web-2's deletion in the datapath (only b answers)" 10 answered_by "b "
np_expect_alive node-a
np_log "ok"
