#!/usr/bin/env bash
# The policy action log through the real daemon and real connections:
# exactly the records GKE's NetworkLogging semantics ask for, with their
# fields; denials folded over 5 s per connection with the source port
# zeroed, counted exactly as the datapath dropped them; delegation both
# ways for allows and denials; no record for traffic no policy decided.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
obs_setup plog

obs_state false
obs_logging true false true false
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "b -> a, allowed by a-from-b: one allow record with every field"
[[ $(obs_connect b 10.200.1.10) == a ]] || np_fail "b -> a was not answered"
for _ in $(seq 20); do (( $(obs_records '.disposition == "allow"') >= 1 )) && break; sleep 0.1; done
(( $(obs_records '.disposition == "allow"') == 1 )) || np_fail "expected one allow record: $(cat "$POLICY_LOG_FILE")"
rec=$(jq -c 'select(.disposition == "allow")' "$POLICY_LOG_FILE")
np_log "record: $rec"
jq -e '.connection.src_ip == "10.200.1.11" and .connection.dest_ip == "10.200.1.10"
  and .connection.dest_port == 8080 and .connection.src_port > 0
  and .connection.protocol == "tcp" and .connection.direction == "ingress"
  and .policies == [{"name": "a-from-b", "namespace": "e2e", "kind": "NetworkPolicy"}]
  and .src.pod_name == "b" and .src.pod_namespace == "e2e" and .src.namespace == "e2e"
  and .src.workload_kind == "Deployment" and .src.workload_name == "web"
  and .dest.pod_name == "a" and .dest.workload_kind == "StatefulSet" and .dest.workload_name == "store"
  and .count == 1 and .node_name == "node-a" and (.timestamp | test("^20[0-9-]+T[0-9:.]+Z$"))' \
  <<<"$rec" >/dev/null || np_fail "allow record fields wrong: $rec"

np_log "a -> b: b is not isolated, no policy decided it, so no record"
[[ $(obs_connect a 10.200.1.11) == b ]] || np_fail "a -> b was not answered"
sleep 1
(( $(obs_records '.src.pod_name == "a"') == 0 )) || np_fail "a -> b was logged"

np_log "c -> a, denied: SYN retransmits fold into one record after 5 s"
before=$(np_stat node-a drop_policy_denied)
[[ -z $(obs_connect c 10.200.1.10 4) ]] || np_fail "c -> a was answered"
denied=$(( $(np_stat node-a drop_policy_denied) - before ))
(( denied >= 2 )) || np_fail "expected SYN retransmits, the datapath denied $denied packets"
(( $(obs_records '.disposition == "deny"') == 0 )) || np_fail "a denial was written before its window closed"
for _ in $(seq 40); do (( $(obs_records '.disposition == "deny"') >= 1 )) && break; sleep 0.25; done
(( $(obs_records '.disposition == "deny"') == 1 )) || np_fail "expected one deny record: $(cat "$POLICY_LOG_FILE")"
rec=$(jq -c 'select(.disposition == "deny")' "$POLICY_LOG_FILE")
np_log "record: $rec"
jq -e --argjson n "$denied" '.count == $n and .connection.src_port == 0
  and .connection.src_ip == "10.200.1.12" and .connection.dest_ip == "10.200.1.10"
  and .connection.dest_port == 8080 and .connection.direction == "ingress"
  and (has("policies") | not) and .src.pod_name == "c" and (.src | has("workload_kind") | not)
  and .dest.pod_name == "a"' <<<"$rec" >/dev/null ||
  np_fail "deny record wrong (the datapath denied $denied packets): $rec"

np_log "allow.delegate: b -> a (annotated policy) is logged, b -> c (not annotated) is not"
obs_logging true true true true
np_ctl node-a reload >/dev/null
[[ $(obs_connect b 10.200.1.12) == c ]] || np_fail "b -> c was not answered"
[[ $(obs_connect b 10.200.1.10) == a ]] || np_fail "b -> a was not answered"
for _ in $(seq 20); do (( $(obs_records '.disposition == "allow"') >= 2 )) && break; sleep 0.1; done
(( $(obs_records '.disposition == "allow" and .dest.pod_name == "a"') == 2 )) || np_fail "delegated b -> a not logged"
(( $(obs_records '.dest.pod_name == "c"') == 0 )) || np_fail "b -> c logged although c-from-b has no annotation"

np_log "deny.delegate: the namespace without enable-deny-logging gets no denial record"
[[ -z $(obs_connect c 10.200.1.10 1) ]] || np_fail "c -> a was answered"
sleep 6.5
(( $(obs_records '.disposition == "deny"') == 1 )) || np_fail "a denial was logged without the namespace annotation"
np_log "... and once the namespace has it, the denial is logged"
obs_state true
np_wait_generation node-a 2
[[ -z $(obs_connect c 10.200.1.10 1) ]] || np_fail "c -> a was answered"
for _ in $(seq 40); do (( $(obs_records '.disposition == "deny"') >= 2 )) && break; sleep 0.25; done
(( $(obs_records '.disposition == "deny"') == 2 )) || np_fail "the delegated denial was not logged"
np_log "PASS"
