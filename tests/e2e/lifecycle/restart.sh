#!/usr/bin/env bash
# Restart and upgrade under continuous traffic: the pinned datapath keeps
# forwarding and enforcing while no daemon runs, and a new daemon adopts it
# without a window. One node; new connections every 50 ms and one long-lived
# connection each through a NodePort and a LoadBalancer IP (from outside) and
# a ClusterIP (from a pod); an allowed pod pair under NetworkPolicy and a
# denied one, probed every 50 ms. Then: kill -9 and start again; kill -9 and
# start with a changed snapshot (a backend, a service, a remote pod that
# shifts the order identities would be handed out in and a local pod listed
# first, which shifts the order endpoint ids would be); SIGTERM (drain) and
# start. Every connection answered, every long-lived connection survives, the
# denied pair never connects once, and pods keep their identities and their
# endpoint ids.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/probe.sh"
np_init restart

np_single_node_setup a b c
np_pod node-a d 10.200.1.13 np-d
np_pod node-a e 10.200.1.14 np-e
np_pod node-a f 10.200.1.15 np-f  # listed from (b) on, first
CLIENT=192.168.50.1
LB_IP=198.51.100.10
np_in client ip route add 198.51.100.0/24 via $NODE_IP

# Servers that say who they are, then echo (np-traffic-probe's protocol);
# silent for 20 s at most, longer than the probe's 100 ms exchanges.
for p in b c d e; do
  np_bg ip netns exec "$(np_ns $p)" socat -T 20 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo $p; cat" 2>/dev/null
done
for p in b c d e; do np_wait_listen $p 8080; done

# pod_toml <name> <ip> <node> [interface]
pod_toml() {
  printf '\n[[pods]]\nnamespace = "e2e"\nname = "%s"\nnodeName = "%s"\npodIPs = ["%s"]\nlabels = { pod = "%s" }\n' \
    "$1" "$3" "$2" "$1"
  if [[ -n ${4:-} ]]; then printf 'interface = "%s"\n' "$4"; fi
}

# endpoints_toml <service> <pod-ip>...: one slice, every endpoint on node-a.
endpoints_toml() {
  local service=$1; shift
  printf '\n[[endpointSlices]]\nnamespace = "e2e"\nname = "%s-1"\nservice = "%s"\naddressType = "IPv4"\n' \
    "$service" "$service"
  printf 'ports = [{ name = "http", port = 8080, protocol = "TCP" }]\nendpoints = [\n'
  local ip
  for ip in "$@"; do
    printf '  { addresses = ["%s"], conditions = { ready = true }, nodeName = "node-a" },\n' "$ip"
  done
  printf ']\n'
}

# write_state 1|2: the first state, or the changed one a restarted daemon
# starts with: pod x on node-b listed first (a fresh allocator would hand it
# the first identity and shift every other pod's), local pod f listed first
# of this node's (a fresh endpoint id allocator would give it a's id and
# shift every other pod's), backend e, service web2.
write_state() {
  local stage=$1
  {
    printf 'format = 1\nnode = "node-a"\n'
    printf '\n[[nodes]]\nname = "node-a"\naddresses = ["%s"]\npodCIDRs = ["10.200.1.0/24"]\n' "$NODE_IP"
    printf '\n[[nodes]]\nname = "node-b"\naddresses = ["192.168.50.3"]\npodCIDRs = ["10.200.2.0/24"]\n'
    printf '\n[[namespaces]]\nname = "e2e"\nlabels = { "kubernetes.io/metadata.name" = "e2e" }\n'
    if ((stage == 2)); then pod_toml x 10.200.2.10 node-b; fi
    if ((stage == 2)); then pod_toml f 10.200.1.15 node-a np-f; fi
    pod_toml a 10.200.1.10 node-a np-a
    pod_toml b 10.200.1.11 node-a np-b
    pod_toml c 10.200.1.12 node-a np-c
    pod_toml d 10.200.1.13 node-a np-d
    pod_toml e 10.200.1.14 node-a np-e
    cat <<TOML

[[services]]
namespace = "e2e"
name = "web"
type = "LoadBalancer"
clusterIPs = ["10.96.0.10"]
loadBalancerIPs = ["$LB_IP"]
externalTrafficPolicy = "Cluster"
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = "http", nodePort = 30080 }]

[[networkPolicies]]
namespace = "e2e"
name = "d-from-b"
podSelector = { matchLabels = { pod = "d" } }
policyTypes = ["Ingress"]

  [[networkPolicies.ingress]]
  ports = [{ protocol = "TCP", port = 8080 }]

    [[networkPolicies.ingress.from]]
    podSelector = { matchLabels = { pod = "b" } }
TOML
    if ((stage == 1)); then
      endpoints_toml web 10.200.1.11 10.200.1.12
    else
      endpoints_toml web 10.200.1.11 10.200.1.12 10.200.1.14
      printf '\n[[services]]\nnamespace = "e2e"\nname = "web2"\nclusterIPs = ["10.96.0.11"]\n'
      printf 'ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = "http" }]\n'
      endpoints_toml web2 10.200.1.12
    fi
  } > "$SNAPSHOT.new"
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

# The identity of each local pod, "name=id" sorted, from the daemon.
pod_identities() {
  np_ctl node-a --output json identities |
    jq -r '[.identities[] | select(.kind == "pod") | "\(.labels[0] | ltrimstr("pod="))=\(.id)"] | sort | join(" ")'
}

# The endpoint id of each given local pod, "name=id", from the daemon (what
# it wrote to np_local_endpoints_v1 and keys the policy map by).
pod_endpoint_ids() {
  local pod
  for pod in "$@"; do
    printf '%s=%s ' "$pod" "$(np_ctl node-a --output json policy "e2e/$pod" | jq -r .endpointId)"
  done
}

# restart_daemon <label>: starts the daemon and waits for /healthz 200;
# logs how long that took.
restart_daemon() {
  local began=$(date +%s%N)
  np_daemon_start node-a
  np_wait_health node-a "$HEALTHZ" 200
  np_log "$1: serving again $(( ($(date +%s%N) - began) / 1000000 )) ms after the start"
}

write_state 1
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "the topology works before anything is disturbed"
got=$(np_tcp_request client $NODE_IP 30080)
[[ $got == b || $got == c ]] || np_fail "NodePort from outside answered '$got', expected b or c"
np_expect_tcp b 10.200.1.13 8080 d
[[ -z $(np_tcp_request a 10.200.1.13 8080) ]] || np_fail "pod a reached pod d, which NetworkPolicy d-from-b denies"
identities_before=$(pod_identities)
endpoint_ids_before=$(pod_endpoint_ids a b c d e)
[[ $endpoint_ids_before =~ ^(a|b|c|d|e)=[1-9] ]] || np_fail "endpoint ids before the restarts: '$endpoint_ids_before'"
[[ $identities_before == *"a="*"e="* ]] || np_fail "pod identities before the restarts: '$identities_before'"

np_log "continuous traffic: NodePort and LoadBalancer from outside, ClusterIP and policy from pods"
np_probe_start outside client --long-lived --timeout-ms 800 \
  --target nodeport=$NODE_IP:30080 --target loadbalancer=$LB_IP:80
np_probe_start pod-a a --long-lived --timeout-ms 800 \
  --target clusterip=10.96.0.10:80 --denied a-to-d=10.200.1.13:8080
np_probe_start pod-b b --long-lived --timeout-ms 800 --target b-to-d=10.200.1.13:8080
# Pod c's number is the one a fresh allocator would give b after (b).
np_probe_start pod-c c --timeout-ms 800 --denied c-to-d=10.200.1.13:8080
np_probe_wait_long_lived outside 2
np_probe_wait_long_lived pod-a 1
np_probe_wait_long_lived pod-b 1
sleep 1

np_log "(a) kill -9, then the same daemon again"
np_daemon_stop node-a KILL
sleep 1  # no daemon at all: the pinned datapath alone forwards and enforces
restart_daemon "(a)"
sleep 2

np_log "(b) kill -9, then a daemon with a changed snapshot"
np_daemon_stop node-a KILL
write_state 2
restart_daemon "(b)"
np_wait_generation node-a 1
identities_after=$(pod_identities)
for pod in a b c d e; do
  before=$(tr ' ' '\n' <<<"$identities_before" | grep "^$pod=")
  [[ " $identities_after " == *" $before "* ]] ||
    np_fail "pod $pod's identity changed across the restart: before '$identities_before', after '$identities_after'"
done
endpoint_ids_after=$(pod_endpoint_ids a b c d e)
[[ $endpoint_ids_after == "$endpoint_ids_before" ]] ||
  np_fail "endpoint ids changed across the restart: before '$endpoint_ids_before', after '$endpoint_ids_after'"
f_id=$(pod_endpoint_ids f)
[[ " $endpoint_ids_before " != *"=${f_id#f=} "* && ${f_id#f=} =~ ^[1-9] ]] ||
  np_fail "new pod f got endpoint id '${f_id#f=}', one the maps already held ($endpoint_ids_before)"
np_log "(b) endpoint ids kept: $endpoint_ids_after; new pod $f_id"
[[ $(np_tcp_request a 10.96.0.11 80) == c ]] || np_fail "the service added while no daemon ran is not served"
sleep 2

np_log "(c) SIGTERM (drain), then start again"
began=$(date +%s%N)
np_daemon_stop node-a TERM
np_log "(c) drained and exited in $(( ($(date +%s%N) - began) / 1000000 )) ms"
restart_daemon "(c)"
sleep 2

np_probe_stop outside
np_probe_stop pod-a
np_probe_stop pod-b
np_probe_stop pod-c
np_probe_expect_clean outside 100
np_probe_expect_clean pod-a 100
np_probe_expect_clean pod-b 100
np_probe_expect_clean pod-c 100
(( $(np_probe_field outside nodeport '.answeredBy.e // 0') > 0 )) ||
  np_fail "no NodePort connection reached backend e, added by the changed snapshot"
# Same configuration, same layout: every restart adopts the maps as they are.
! grep -E "(Migrated|Replacing) the pinned map" "$NP_WORK/node-a-daemon.log" ||
  np_fail "a restart migrated or replaced a pinned map instead of adopting it"
(( $(grep -c "Datapath loaded" "$NP_WORK/node-a-daemon.log") == 4 )) || np_fail "expected 4 daemon starts in the log"

np_log "PASS"
