# Shared by the observability tests: node-a with pods a, b, c in namespace
# e2e, socat servers on 8080 in each, and a snapshot whose policies
#   a-from-b  (annotated enable-logging): a admits b on TCP 8080
#   c-from-b  (not annotated):            c admits b on TCP 8080
# so b -> a and b -> c are allowed by a policy, c -> a is denied, and
# a -> b is allowed with no policy (b is not isolated).
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

POLICY_LOG_FILE=""

# obs_setup <name>: topology, servers, config with the policy log in the
# test directory (never /var/log), daemon not started.
obs_setup() {
  np_init "$1"
  np_single_node_setup a b c
  for p in a b c; do
    np_bg ip netns exec "$(np_ns $p)" socat -T 5 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:'echo '$p'; cat' 2>/dev/null
  done
  for p in a b c; do np_wait_listen $p 8080; done
  POLICY_LOG_FILE=$NP_WORK/node-a/log/policy_action.log
}

# obs_state <deny-logging annotation on namespace e2e: true|false>
obs_state() {
  local deny_logging=$1
  cat > "$SNAPSHOT.new" <<TOML
format = 1
node = "node-a"

[[nodes]]
name = "node-a"
addresses = ["$NODE_IP"]
podCIDRs = ["10.200.1.0/24"]

[[namespaces]]
name = "e2e"
labels = { "kubernetes.io/metadata.name" = "e2e" }
annotations = { "policy.network.gke.io/enable-deny-logging" = "$deny_logging" }

[[pods]]
namespace = "e2e"
name = "a"
nodeName = "node-a"
podIPs = ["10.200.1.10"]
labels = { pod = "a" }
interface = "np-a"
ownerReferences = [{ kind = "StatefulSet", name = "store", controller = true }]

[[pods]]
namespace = "e2e"
name = "b"
nodeName = "node-a"
podIPs = ["10.200.1.11"]
labels = { pod = "b", "pod-template-hash" = "5d8f7c9b6" }
interface = "np-b"
ownerReferences = [{ kind = "ReplicaSet", name = "web-5d8f7c9b6", controller = true }]

[[pods]]
namespace = "e2e"
name = "c"
nodeName = "node-a"
podIPs = ["10.200.1.12"]
labels = { pod = "c" }
interface = "np-c"

[[networkPolicies]]
namespace = "e2e"
name = "a-from-b"
annotations = { "policy.network.gke.io/enable-logging" = "true" }
podSelector = { matchLabels = { pod = "a" } }
policyTypes = ["Ingress"]

  [[networkPolicies.ingress]]
  ports = [{ protocol = "TCP", port = 8080 }]

    [[networkPolicies.ingress.from]]
    podSelector = { matchLabels = { pod = "b" } }

[[networkPolicies]]
namespace = "e2e"
name = "c-from-b"
podSelector = { matchLabels = { pod = "c" } }
policyTypes = ["Ingress"]

  [[networkPolicies.ingress]]
  ports = [{ protocol = "TCP", port = 8080 }]

    [[networkPolicies.ingress.from]]
    podSelector = { matchLabels = { pod = "b" } }
TOML
  mv "$SNAPSHOT.new" "$SNAPSHOT"
}

# obs_logging <allow.log> <allow.delegate> <deny.log> <deny.delegate> [max-records-per-second]
# Rewrites the [policy-logging] drop-in of node-a (applied on reload).
obs_logging() {
  mkdir -p "$NP_WORK/node-a/nodeplane.toml.d"
  cat > "$NP_WORK/node-a/nodeplane.toml.d/50-policy-logging.toml" <<TOML
[policy-logging]
file = "$POLICY_LOG_FILE"
journal = false
max-records-per-second = ${5:-500}

[policy-logging.allow]
log = $1
delegate = $2

[policy-logging.deny]
log = $3
delegate = $4
TOML
}

# obs_connect <from-pod> <to-ip>: one TCP exchange; prints the answer ("" if none).
obs_connect() {
  { echo hi | np_in "$1" socat -T 2 - "TCP:$2:8080,connect-timeout=${3:-2}" 2>/dev/null | head -n 1; } || true
}

# obs_records <jq-select>: how many log lines match.
obs_records() {
  [[ -f $POLICY_LOG_FILE ]] || { echo 0; return; }
  jq -c "select($1)" "$POLICY_LOG_FILE" | wc -l
}

# obs_metric <name-with-labels>: a sample's value from /metrics (0 if absent).
obs_metric() {
  local body
  body=$(np_in node-a curl -s -m 2 http://127.0.0.1:9965/metrics) || np_fail "/metrics did not answer"
  awk -v name="$1" '$1 == name { v = $2 } END { print (v == "" ? 0 : v) }' <<<"$body"
}
