#!/usr/bin/env bash
# The API server as the state source, end to end: the real nodeplaned lists
# and watches the test API server (TLS, client certificate) in the node's
# namespace. An EndpointSlice created with kubectl receives traffic; a
# NetworkPolicy created with kubectl denies it, and deleting it allows again;
# a Pod's status churn costs no apply; the state is saved as a last-known
# snapshot the daemon's own parser accepts; status and metrics say synced.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
np_init kapi
KUBECTL=${KUBECTL:-kubectl}

np_single_node_setup a b
np_tcp_server b 8080
np_wait_listen b 8080

np_kube_pki node-a
np_kube_list "$(np_kube_cluster_objects node-a "$POD_A" "$POD_B")" \
  "$(np_kube_service web 10.96.0.10 80 8080)" >"$NP_WORK/seed.json"
np_kube_start node-a --seed "$NP_WORK/seed.json"
np_kube_config node-a kubeconfig-cert
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
np_kube_wait_synced node-a

# kubectl, run in the node's namespace where the API server listens.
kubectl_node() { np_in node-a "$KUBECTL" --kubeconfig "$NP_KUBE_PKI/kubeconfig-cert" "$@"; }
# generation: the applied generation from nodeplanectl.
generation() { np_status_json node-a .generation; }
wait_generation_past() {
  local before=$1
  np_wait_for "a generation after $before" 20 test "$(generation)" -gt "$before"
}

np_log "status: the API server is the source, synced and connected"
[[ $(np_status_json node-a .stateSource) == kubernetes ]] ||
  np_fail "stateSource is '$(np_status_json node-a .stateSource)', expected kubernetes"
[[ $(np_kube_feed node-a servingLastKnown) == false ]] || np_fail "servingLastKnown with the API server up"
[[ $(np_kube_feed node-a relists) == 0 ]] ||
  np_fail "relists $(np_kube_feed node-a relists) with nothing gone (410), expected 0"

np_log "a Service without endpoints: nobody answers"
got=$(np_tcp_request a 10.96.0.10 80)
[[ -z "$got" ]] || np_fail "10.96.0.10:80 answered by '$got' before any endpoint exists"

np_log "an EndpointSlice created through the API receives traffic"
np_kube_slice web-1 web node-a 8080 "$POD_B" >"$NP_WORK/slice.json"
g=$(generation)
kubectl_node create --validate=false -f "$NP_WORK/slice.json" >/dev/null ||
  np_fail "kubectl create of the EndpointSlice failed"
wait_generation_past "$g"
np_wait_tcp a 10.96.0.10 80 b 10

np_log "a Pod status update that changes nothing the datapath reads costs no apply"
g=$(generation)
events=$(np_metric node-a nodeplane_kubernetes_events_total)
pod_b=$(kubectl_node get pod -n e2e b -o json) || np_fail "kubectl get pod b failed"
jq '.status.conditions = [{type: "Ready", status: "True"}] | del(.metadata.resourceVersion)' <<<"$pod_b" \
  >"$NP_WORK/pod-b-status.json"
kubectl_node replace --subresource=status -f "$NP_WORK/pod-b-status.json" >/dev/null 2>&1 ||
  np_kube_apply "$(cat "$NP_WORK/pod-b-status.json")"
events_past() { (($(np_metric node-a nodeplane_kubernetes_events_total) > $1)); }
np_wait_for "the daemon to receive the Pod's update" 10 events_past "$events"
# Past the settle and batching windows (50 + 200 ms): an apply would show by now.
sleep 0.5
[[ $(generation) == "$g" ]] || np_fail "a status-only Pod change applied generation $(generation) (was $g)"

np_log "a NetworkPolicy created through the API denies"
jq -n '{apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
  metadata: {namespace: "e2e", name: "b-deny-ingress"},
  spec: {podSelector: {matchLabels: {pod: "b"}}, policyTypes: ["Ingress"]}}' >"$NP_WORK/deny.json"
g=$(generation)
kubectl_node create --validate=false -f "$NP_WORK/deny.json" >/dev/null ||
  np_fail "kubectl create of the NetworkPolicy failed"
wait_generation_past "$g"
got=$(np_tcp_request a 10.96.0.10 80)
[[ -z "$got" ]] || np_fail "10.96.0.10:80 answered by '$got' although a policy isolates b"
got=$(np_tcp_request a 10.200.1.11 8080)
[[ -z "$got" ]] || np_fail "b answered a directly ('$got') although a policy isolates b"

np_log "deleting it through the API allows again"
g=$(generation)
kubectl_node delete -n e2e networkpolicy b-deny-ingress >/dev/null || np_fail "kubectl delete failed"
wait_generation_past "$g"
np_wait_tcp a 10.96.0.10 80 b 10

np_log "the last-known snapshot holds the applied state and loads"
last_known=$(np_kube_last_known node-a)
np_wait_for "the last-known snapshot to hold the EndpointSlice without the policy" 25 \
  bash -c "grep -q 'web-1' '$last_known' && ! grep -q 'b-deny-ingress' '$last_known'"
"$NODEPLANED" --check-snapshot "$last_known" >"$NP_WORK/check.out" 2>&1 ||
  np_fail "the last-known snapshot is refused: $(cat "$NP_WORK/check.out")"
[[ $(stat -c %a "$last_known") == 600 ]] || np_fail "last-known has mode $(stat -c %a "$last_known"), expected 600"
grep -q '^node = "node-a"$' "$last_known" || np_fail "last-known is not for node-a"
grep -q 'interface = "np-b"' "$last_known" || np_fail "last-known lacks pod b's interface from its annotation"
[[ $(np_kube_feed node-a lastKnownSaved) != null ]] || np_fail "status has no lastKnownSaved"

np_log "metrics: synced, connected, not degraded, events counted"
[[ $(np_metric node-a nodeplane_kubernetes_synced) == 1 ]] || np_fail "nodeplane_kubernetes_synced is not 1"
[[ $(np_metric node-a nodeplane_kubernetes_connected) == 1 ]] || np_fail "nodeplane_kubernetes_connected is not 1"
[[ $(np_metric node-a nodeplane_state_degraded) == 0 ]] || np_fail "nodeplane_state_degraded is not 0"
(( $(np_metric node-a nodeplane_kubernetes_events_total) >= 3 )) ||
  np_fail "nodeplane_kubernetes_events_total is $(np_metric node-a nodeplane_kubernetes_events_total), expected >= 3"

np_log "PASS"
