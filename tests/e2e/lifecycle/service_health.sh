#!/usr/bin/env bash
# The eTP=Local health check answers as specified while endpoints come and
# go: a LoadBalancer Service with externalTrafficPolicy Local and a
# healthCheckNodePort, probed from outside the node as a load balancer does,
# while its local endpoints are added (200, count and weight 1, then 2), made
# terminating (503, 0), removed (503, 0), the Service deleted (port closed),
# its port held by another process (logged, retried) and the node drains
# (503, serviceProxyHealthy false). Between them the public cases svc-027
# (local Ready endpoints only) and svc-030 (/healthz follows node
# eligibility), read from services-public.json so the case file is the truth.
# Last, freshness: a refused snapshot keeps the node healthy, a change the
# kernel refuses (frozen maps) fails every check after max-pending-seconds.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
np_init hchk

# The shared cases beside the clone, as the unit and netpol tests find them.
CASES=${NP_SERVICE_CASES:-$(cd "$(dirname "$0")/../../.." && pwd)/../shared/cases/services-public.json}
[[ -r $CASES ]] || np_fail "cannot read the service cases $CASES (set NP_SERVICE_CASES)"

np_single_node_setup a b
HC_PORT=32100
HC_URL=http://$NODE_IP:$HC_PORT/
LB_IP=198.51.100.40
# Long enough to probe the node while it drains.
sed -i 's/^drain-seconds = .*/drain-seconds = 6/' "$NP_WORK/node-a/nodeplane.toml"

# endpoint <ip> <node> <ready> [serving terminating]: one endpoints entry.
endpoint() {
  local cond="ready = $3"
  [[ -n ${4:-} ]] && cond+=", serving = $4, terminating = $5"
  printf '  { addresses = ["%s"], conditions = { %s }, nodeName = "%s" },\n' "$1" "$cond" "$2"
}

# write_state <namespace> <name> <with-service:0|1> [endpoint lines...]:
# node-a (and node-b, which holds no pod of ours) with pods a and b, the
# Service and one slice holding the given endpoints when asked.
write_state() {
  local ns=$1 name=$2 with_service=$3; shift 3
  np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
  {
    printf '\n[[nodes]]\nname = "node-b"\naddresses = ["192.168.50.3"]\npodCIDRs = ["10.200.2.0/24"]\n'
    if [[ $ns != e2e ]]; then
      printf '\n[[namespaces]]\nname = "%s"\nlabels = { "kubernetes.io/metadata.name" = "%s" }\n' "$ns" "$ns"
    fi
    if ((with_service)); then
      cat <<TOML

[[services]]
namespace = "$ns"
name = "$name"
type = "LoadBalancer"
clusterIPs = ["10.96.0.40"]
loadBalancerIPs = ["$LB_IP"]
externalTrafficPolicy = "Local"
healthCheckNodePort = $HC_PORT
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080, nodePort = 30040 }]
TOML
    fi
    # A slice goes with its Service (a slice of an unknown one is refused).
    if ((with_service)); then
      printf '\n[[endpointSlices]]\nnamespace = "%s"\nname = "%s-1"\nservice = "%s"\naddressType = "IPv4"\n' \
        "$ns" "$name" "$name"
      printf 'ports = [{ name = "http", port = 8080, protocol = "TCP" }]\nendpoints = [\n'
      local line
      for line in "$@"; do printf '%s' "$line"; done
      printf ']\n'
    fi
  } >> "$SNAPSHOT.new"
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

GENERATION=0
apply() {
  write_state "$@"
  GENERATION=$((GENERATION + 1))
  np_wait_generation node-a $GENERATION
}

# probe <url>: one GET from the client, as a load balancer's health check.
# Sets HC_STATUS ("000": nothing answered), HC_CURL (curl's exit code),
# HC_WEIGHT (X-Load-Balancing-Endpoint-Weight), HC_TYPE, HC_NOSNIFF, HC_BODY.
probe() {
  local headers=$NP_WORK/probe.headers body=$NP_WORK/probe.body
  : > "$headers"; : > "$body"
  HC_CURL=0
  HC_STATUS=$(np_in client curl -s -m 2 -D "$headers" -o "$body" -w '%{http_code}' "$1") || HC_CURL=$?
  header() { tr -d '\r' < "$headers" | awk -v n="$1" 'BEGIN{IGNORECASE=1} index(tolower($0), tolower(n) ":")==1 {sub(/^[^:]*: */, ""); print}'; }
  HC_WEIGHT=$(header X-Load-Balancing-Endpoint-Weight)
  HC_TYPE=$(header Content-Type)
  HC_NOSNIFF=$(header X-Content-Type-Options)
  HC_BODY=$(cat "$body")
}

# expect_check <ns> <name> <status> <count> <proxy-healthy>: the health
# check answers exactly that, within 3 s (the state is applied by then; the
# wait covers nothing but the probe's own scheduling).
expect_check() {
  local ns=$1 name=$2 status=$3 count=$4 proxy=$5
  local body="{\"service\":{\"namespace\":\"$ns\",\"name\":\"$name\"},\"localEndpoints\":$count,\"serviceProxyHealthy\":$proxy}"
  for _ in $(seq 30); do
    probe "$HC_URL"
    [[ $HC_STATUS == "$status" && $HC_BODY == "$body" && $HC_WEIGHT == "$count" ]] && break
    sleep 0.1
  done
  [[ $HC_STATUS == "$status" ]] || np_fail "health check answered $HC_STATUS (curl $HC_CURL), expected $status; body '$HC_BODY'"
  [[ $HC_BODY == "$body" ]] || np_fail "health check body '$HC_BODY', expected '$body'"
  [[ $HC_WEIGHT == "$count" ]] || np_fail "X-Load-Balancing-Endpoint-Weight '$HC_WEIGHT', expected '$count'"
  [[ $HC_TYPE == application/json ]] || np_fail "Content-Type '$HC_TYPE', expected application/json"
  [[ $HC_NOSNIFF == nosniff ]] || np_fail "X-Content-Type-Options '$HC_NOSNIFF', expected nosniff"
}

np_log "a Service whose only endpoint is on another node: the port is open and answers 503, 0"
write_state e2e web 1 "$(endpoint 10.200.2.20 node-b true)"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
GENERATION=1
expect_check e2e web 503 0 true

np_log "one local Ready endpoint: 200, count and weight 1"
apply e2e web 1 "$(endpoint 10.200.1.10 node-a true)" "$(endpoint 10.200.2.20 node-b true)"
expect_check e2e web 200 1 true

np_log "two local Ready endpoints: 200, count and weight 2"
apply e2e web 1 "$(endpoint 10.200.1.10 node-a true)" "$(endpoint 10.200.1.11 node-a true)" \
  "$(endpoint 10.200.2.20 node-b true)"
expect_check e2e web 200 2 true
probe "http://$NODE_IP:$HC_PORT/any/path?x=1"
[[ $HC_STATUS == 200 ]] || np_fail "another path answered $HC_STATUS, expected 200 as on /"

np_log "both made terminating (serving): they count 0, 503"
apply e2e web 1 "$(endpoint 10.200.1.10 node-a false true true)" "$(endpoint 10.200.1.11 node-a false true true)" \
  "$(endpoint 10.200.2.20 node-b true)"
expect_check e2e web 503 0 true

np_log "back to one Ready, then removed: 200 then 503"
apply e2e web 1 "$(endpoint 10.200.1.11 node-a true)"
expect_check e2e web 200 1 true
apply e2e web 1
expect_check e2e web 503 0 true

np_log "the Service deleted: its health check port is closed"
apply e2e web 0
for _ in $(seq 30); do probe "$HC_URL"; [[ $HC_CURL == 7 ]] && break; sleep 0.1; done
[[ $HC_STATUS == 000 && $HC_CURL == 7 ]] ||
  np_fail "the deleted Service's health check answered $HC_STATUS (curl exit $HC_CURL), expected connection refused"

np_log "its port held by another process: logged with Service and port, the state still applied, retried next time"
# reuseaddr: past the TIME_WAIT our probes left; without SO_REUSEPORT it still
# keeps the daemon out.
np_bg ip netns exec "$(np_ns node-a)" socat TCP-LISTEN:$HC_PORT,bind=$NODE_IP,reuseaddr,fork SYSTEM:'echo squatter' 2>/dev/null
squatter=$!
np_wait_listen node-a $HC_PORT
apply e2e web 1 "$(endpoint 10.200.1.10 node-a true)"
grep -q "Failed to serve the health check of Service e2e/web on port $HC_PORT: .*retrying on the next apply" \
  "$NP_WORK/node-a-daemon.log" || np_fail "the unbindable health check port was not logged with its Service and port"
kill "$squatter"; wait "$squatter" 2>/dev/null || true
apply e2e web 1 "$(endpoint 10.200.1.10 node-a true)" "$(endpoint 10.200.1.11 node-a true)"
expect_check e2e web 200 2 true
apply e2e web 0

np_log "svc-027 from the case file: only local Ready endpoints count, terminating and not-ready count 0"
case_json=$(jq -c '.cases[] | select(.id == "svc-027")' "$CASES")
[[ -n $case_json ]] || np_fail "svc-027 is not in $CASES"
case_node=$(jq -r '.environment.proxy_node.name' <<<"$case_json")
case_ns=$(jq -r '.services[0].metadata.namespace' <<<"$case_json")
case_name=$(jq -r '.services[0].metadata.name' <<<"$case_json")
steps=$(jq '.steps | length' <<<"$case_json")
for ((i = 0; i < steps; i++)); do
  step=$(jq -c ".steps[$i]" <<<"$case_json")
  # The case's node is ours; its Service becomes the LoadBalancer with
  # eTP Local whose health check the local count is for.
  mapfile -t lines < <(jq -r --arg node "$case_node" '.endpointSlice.endpoints[] |
      "\(.addresses[0]) \(if .nodeName == $node then "node-a" else .nodeName end) \(.conditions.ready // false) \(.conditions.serving // "") \(.conditions.terminating // "")"' <<<"$step")
  entries=()
  for l in "${lines[@]}"; do
    read -r ip node ready serving terminating <<<"$l"
    if [[ -n $serving ]]; then entries+=("$(endpoint "$ip" "$node" "$ready" "$serving" "${terminating:-false}")")
    else entries+=("$(endpoint "$ip" "$node" "$ready")"); fi
  done
  apply "$case_ns" "$case_name" 1 "${entries[@]}"
  want_count=$(jq -r --arg k "local_ready_endpoints_for_$case_ns/$case_name" '.expected[$k]' <<<"$step")
  want_status=$(jq -r '.expected.health_check_http_status' <<<"$step")
  expect_check "$case_ns" "$case_name" "$want_status" "$want_count" true
  np_log "  svc-027 step $((i + 1)): $want_status, $want_count local endpoints"
done

np_log "svc-030 from the case file: /healthz follows the Node's eligibility"
case_json=$(jq -c '.cases[] | select(.id == "svc-030")' "$CASES")
[[ -n $case_json ]] || np_fail "svc-030 is not in $CASES"
steps=$(jq '.steps | length' <<<"$case_json")
for ((i = 0; i < steps; i++)); do
  step=$(jq -c ".steps[$i]" <<<"$case_json")
  [[ $(jq -r .rules <<<"$step") == fresh ]] || np_fail "svc-030 step $((i + 1)): only fresh rules can be expressed"
  # Only the taint key counts (the case's note); the snapshot wants an effect.
  taints=$(jq -r '[.node.taints[] | "{ key = \"\(.key)\", effect = \"\(.effect // "NoSchedule")\" }"] | join(", ")' <<<"$step")
  deleting=$(jq -r 'if .node.deletionTimestamp == null then "false" else "true" end' <<<"$step")
  write_state e2e web 1 "$(endpoint 10.200.1.10 node-a true)"
  # The [[nodes]] entry of node-a is the first; its taints and deletion go there.
  awk -v taints="$taints" -v deleting="$deleting" '
    !done && /^podCIDRs = / { print; print "taints = [" taints "]"; print "deleting = " deleting; done = 1; next }
    { print }' "$SNAPSHOT" > "$SNAPSHOT.new"
  mv "$SNAPSHOT.new" "$SNAPSHOT"
  GENERATION=$((GENERATION + 1))
  np_wait_generation node-a $GENERATION
  want_status=$(jq -r .expect.status <<<"$step")
  want_eligible=$(jq -r .expect.nodeEligible <<<"$step")
  got=$(np_http node-a "$HEALTHZ")
  [[ ${got%% *} == "$want_status" ]] || np_fail "svc-030 step $((i + 1)): /healthz answered '$got', expected $want_status"
  [[ $(jq -r .nodeEligible <<<"${got#* }") == "$want_eligible" ]] ||
    np_fail "svc-030 step $((i + 1)): nodeEligible in '$got', expected $want_eligible"
  # The Service's check ignores eligibility, as kube-proxy's: a tainted
  # node still answers 200. A Node being deleted is another matter: the
  # daemon drains on its way out, and draining fails every check.
  if [[ $deleting == true ]]; then expect_check e2e web 503 1 false; else expect_check e2e web 200 1 true; fi
  np_log "  svc-030 step $((i + 1)): /healthz $want_status, nodeEligible $want_eligible"
done

np_log "the node drains (SIGTERM): the check fails with serviceProxyHealthy false, then the port closes"
# A deleted Node ends in the daemon's exit; a fresh daemon on a fresh state.
np_daemon_stop node-a
write_state e2e web 1 "$(endpoint 10.200.1.10 node-a true)"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
expect_check e2e web 200 1 true
kill -TERM "$(np_daemon_pid node-a)"
expect_check e2e web 503 1 false
np_wait_health node-a "$HEALTHZ" 503 2
np_daemon_stop node-a
probe "$HC_URL"
[[ $HC_STATUS == 000 ]] || np_fail "after the daemon stopped the health check answered $HC_STATUS"

np_log "freshness: a refused snapshot never goes stale; a change the kernel refuses does, after max-pending-seconds"
MAX_PENDING=3
sed -i "/^listen = .*:10256\"\$/a max-pending-seconds = $MAX_PENDING" "$NP_WORK/node-a/nodeplane.toml"
write_state e2e web 1 "$(endpoint 10.200.1.10 node-a true)"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
expect_check e2e web 200 1 true
GENERATION=$(np_status_json node-a .generation)
# Invalid input (a slice of an unknown Service) is refused whole: not pending.
write_state e2e web 1 "$(endpoint 10.200.1.10 node-a true)"
sed -i 's/^service = "web"$/service = "nobody"/' "$SNAPSHOT"
refused() { [[ $(np_status_json node-a .lastError) == *"Service e2e/nobody"* ]]; }
for _ in $(seq 50); do refused && break; sleep 0.1; done
refused || np_fail "the invalid snapshot was not refused: lastError '$(np_status_json node-a .lastError)'"
sleep $((MAX_PENDING + 1))
[[ $(np_http_status node-a "$HEALTHZ") == 200 ]] || np_fail "a refused snapshot made /healthz fail"
expect_check e2e web 200 1 true
# The kernel refusing writes: frozen maps take no update from user space.
for map in np_services_v2 np_backend_slots_v2 np_backends_v2 np_backend_spill_v1; do
  bpftool map freeze pinned "$NP_WORK/node-a/bpffs/nodeplane/maps/$map" || np_fail "cannot freeze $map"
done
apply e2e web 1 "$(endpoint 10.200.1.10 node-a true)" "$(endpoint 10.200.1.11 node-a true)"
changed_at=$SECONDS
grep -q "Failed to program services" "$NP_WORK/node-a-daemon.log" || np_fail "the frozen maps took the change"
# Within the bound: healthy, and the check reports what the datapath holds (1).
[[ $(np_http_status node-a "$HEALTHZ") == 200 ]] || np_fail "/healthz failed before the change was late"
expect_check e2e web 200 1 true
np_wait_health node-a "$HEALTHZ" 503 $((MAX_PENDING + 3))
((SECONDS - changed_at >= MAX_PENDING - 1)) || np_fail "/healthz failed before max-pending-seconds passed"
[[ $(np_http_status node-a "$LIVEZ") == 503 ]] || np_fail "/livez stayed up with a change late"
expect_check e2e web 503 1 false
np_daemon_stop node-a

np_log "PASS"
