#!/usr/bin/env bash
# NetworkPolicy for sources other than pods, through the real daemon: an
# outside client reaching an isolated pod through a NodePort that keeps its
# address (externalTrafficPolicy Local) is judged by ipBlock on that
# address, before and after the block changes; the node reaches its
# isolated pods by default ([policy] allow-from-host) and not once that is
# turned off by a reload; a pod no rule admits stays out throughout.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init pols

np_single_node_setup a b
CLIENT=192.168.50.1

for p in a b; do
  np_bg ip netns exec "$(np_ns $p)" socat -T 10 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo '$p' $SOCAT_PEERADDR; cat' 2>/dev/null
done
for p in a b; do np_wait_listen $p 8080; done

# write_state <ipBlock cidr admitted to pod a>
write_state() {
  np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
  cat >> "$SNAPSHOT.new" <<TOML

[[services]]
namespace = "e2e"
name = "web"
type = "NodePort"
clusterIPs = ["10.96.0.10"]
externalTrafficPolicy = "Local"
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = 8080, nodePort = 30080 }]

[[endpointSlices]]
namespace = "e2e"
name = "web-1"
service = "web"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }]
endpoints = [{ addresses = ["10.200.1.10"], conditions = { ready = true }, nodeName = "node-a" }]

[[networkPolicies]]
namespace = "e2e"
name = "a-from-outside"
podSelector = { matchLabels = { pod = "a" } }
policyTypes = ["Ingress"]

  [[networkPolicies.ingress]]
  ports = [{ protocol = "TCP", port = 8080 }]

    [[networkPolicies.ingress.from]]
    ipBlock = { cidr = "$1" }
TOML
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

# expect <from-ns> <ip> <port> <answer, or "" for none>
expect() {
  local got
  got=$({ echo hi | np_in "$1" socat -T 2 - "TCP:$2:$3,connect-timeout=2" 2>/dev/null | head -n 1; } || true)
  [[ "$got" == "$4" ]] || np_fail "TCP $1 -> $2:$3 answered '$got', expected '${4:-nothing}'"
}
denied() { np_status_json node-a '.stats[] | select(.name == "drop_policy_denied") | .value'; }

write_state "$CLIENT/32"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "An outside client the ipBlock admits reaches the isolated pod through the NodePort, with its address"
expect client $NODE_IP 30080 "a $CLIENT"
np_log "A pod no rule admits does not"
before=$(denied)
expect b 10.200.1.10 8080 ""
(( $(denied) > before )) || np_fail "drop_policy_denied did not move for b -> a"
np_log "The node reaches its isolated pod (allow-from-host, the default)"
expect node-a 10.200.1.10 8080 "a $NODE_IP"

np_log "The ipBlock moves elsewhere: the client is now denied, the node still admitted"
write_state "192.168.99.0/24"
np_wait_generation node-a 2
before=$(denied)
expect client $NODE_IP 30080 ""
(( $(denied) > before )) || np_fail "drop_policy_denied did not move for the client"
expect node-a 10.200.1.10 8080 "a $NODE_IP"

np_log "allow-from-host = false by reload: the node is held to the pod's policy"
printf '\n[policy]\nallow-from-host = false\n' >> "$NP_WORK/node-a/nodeplane.toml"
np_ctl node-a reload >/dev/null
np_wait_generation node-a 3
expect node-a 10.200.1.10 8080 ""
# b, not isolated, still takes everything, the node included.
expect node-a 10.200.1.11 8080 "b $NODE_IP"
np_ctl node-a policy e2e/a | grep -q "ingress: isolated by e2e/a-from-outside" ||
  np_fail "nodeplanectl policy e2e/a does not show the isolation"
np_ctl node-a policy e2e/a | grep -q "allow-from-host" &&
  np_fail "nodeplanectl policy e2e/a still shows the node's implicit entry"
np_log "PASS"
