# The daemon against the test Kubernetes API server (tests/support/kube_apiserver).
# Source after nothing else: it brings in ../lib/common.sh. The API server runs
# inside a test node's network namespace on 127.0.0.1 (as the daemon reaches
# it), its control API on a unix socket under $NP_WORK (the test reaches it from
# the host), its PKI and kubeconfigs under $NP_WORK/kube-pki.
#
#   np_init kubething
#   np_single_node_setup a b
#   np_kube_pki node-a
#   mapfile -t objects < <(np_kube_cluster_objects node-a "$POD_A" "$POD_B")
#   np_kube_list "${objects[@]}" "$(np_kube_service web 10.96.0.10 80 8080)" > "$NP_WORK/seed.json"
#   np_kube_start node-a --seed "$NP_WORK/seed.json"
#   np_kube_config node-a kubeconfig-cert
#   np_daemon_start node-a
#   np_kube_wait_synced node-a

kube_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$kube_lib_dir/../lib/common.sh"

NP_KUBE_SUPPORT=$(cd "$kube_lib_dir/../../support/kube_apiserver" && pwd)
NP_KUBE_PKI=""       # set by np_kube_pki
NP_KUBE_PID=""       # the running API server, empty while it is down
NP_KUBE_PORT=0       # 0 until the first start picks one; restarts keep it
NP_KUBE_CONTROL=""   # the control API's unix socket

# np_wait_for <what> <seconds> <command...>: polls the command every 0.1 s
# until it succeeds, or fails the test naming <what>.
np_wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || np_fail "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

# ---- the API server ----------------------------------------------------------

# np_kube_pki <node>: CA, server and client certificates (client CN
# system:node:<node>), tokens and kubeconfigs in $NP_WORK/kube-pki.
np_kube_pki() {
  NP_KUBE_PKI=$NP_WORK/kube-pki
  "$NP_KUBE_SUPPORT/make-test-pki" "$NP_KUBE_PKI" --node "$1" >/dev/null ||
    np_fail "make-test-pki failed"
}

# np_kube_start <node> [np-test-apiserver options...]: starts the API server in
# the node's namespace (same port as the last run, if any) and waits until it
# answers; the kubeconfigs then name its address. Appends to
# $NP_WORK/kube-apiserver.log.
np_kube_start() {
  local node=$1; shift
  [[ -n "$NP_KUBE_PKI" ]] || np_fail "np_kube_start before np_kube_pki"
  [[ -z "$NP_KUBE_PID" ]] || np_fail "the API server is running already (pid $NP_KUBE_PID)"
  NP_KUBE_CONTROL=$NP_WORK/kube-control.sock
  rm -f "$NP_WORK/kube-port"
  echo "----- np-test-apiserver $* (port $NP_KUBE_PORT)" >>"$NP_WORK/kube-apiserver.log"
  ip netns exec "$(np_ns "$node")" "$NP_KUBE_SUPPORT/np-test-apiserver" \
    --listen 127.0.0.1 --port "$NP_KUBE_PORT" --port-file "$NP_WORK/kube-port" \
    --cert "$NP_KUBE_PKI/server.crt" --key "$NP_KUBE_PKI/server.key" \
    --client-ca "$NP_KUBE_PKI/ca.crt" --tokens-file "$NP_KUBE_PKI/tokens" \
    --control "$NP_KUBE_CONTROL" --bookmark-interval 1 "$@" \
    >>"$NP_WORK/kube-apiserver.log" 2>&1 &
  NP_KUBE_PID=$!
  NP_PIDS+=($!)
  # The port file is written once the API listens; a seed is loaded before.
  np_wait_for "the API server's port file" 20 np_kube_started
  NP_KUBE_PORT=$(cat "$NP_WORK/kube-port")
  np_wait_for "the API server's control API" 5 np_kube_control_up
  "$NP_KUBE_SUPPORT/make-test-pki" "$NP_KUBE_PKI" --server "https://127.0.0.1:$NP_KUBE_PORT" >/dev/null ||
    np_fail "make-test-pki --server failed"
}

np_kube_started() {
  kill -0 "$NP_KUBE_PID" 2>/dev/null || np_fail "the API server exited at start"
  [[ -s "$NP_WORK/kube-port" ]]
}

np_kube_control_up() { curl -sf --unix-socket "$NP_KUBE_CONTROL" http://x/healthz >/dev/null 2>&1; }

# np_kube_stop [signal]: stops the API server (TERM, or KILL for a crash) and
# waits until it is gone.
np_kube_stop() {
  local sig=${1:-TERM}
  [[ -n "$NP_KUBE_PID" ]] || return 0
  kill -"$sig" "$NP_KUBE_PID" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$NP_KUBE_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$NP_KUBE_PID" 2>/dev/null && np_fail "the API server (pid $NP_KUBE_PID) did not stop on $sig"
  wait "$NP_KUBE_PID" 2>/dev/null || true
  NP_KUBE_PID=""
}

# np_kube_control <method> <path> [json-body]: the control API; prints the
# answer, fails the test on anything but 2xx.
np_kube_control() {
  local method=$1 path=$2 body=${3-} out code
  local args=(-s -m 10 -X "$method" -w '\n%{http_code}' --unix-socket "$NP_KUBE_CONTROL")
  [[ -n "$body" ]] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  out=$(curl "${args[@]}" "http://x$path") || np_fail "control API $method $path: curl failed"
  code=${out##*$'\n'}
  [[ $code == 2* ]] || np_fail "control API $method $path answered $code: ${out%$'\n'*}"
  printf '%s\n' "${out%$'\n'*}"
}

# np_kube_apply <json>: creates or replaces an object or a List's objects.
np_kube_apply() { np_kube_control POST /objects "$1" >/dev/null; }

# np_kube_remove <json>: deletes an object or a List's objects.
np_kube_remove() { np_kube_control POST /objects/delete "$1" >/dev/null; }

# np_kube_rv: the server's current resourceVersion.
np_kube_rv() { np_kube_control GET /state | jq -r .resourceVersion; }

# np_kube_fault <rule-json>, np_kube_clear_faults
np_kube_fault() { np_kube_control POST /faults "$1" >/dev/null; }
np_kube_clear_faults() { np_kube_control DELETE /faults >/dev/null; }

# np_kube_close_watches [abrupt]: ends every open watch (abrupt: TCP reset).
np_kube_close_watches() {
  np_kube_control POST "/watches/close${1:+?abrupt=1}" >/dev/null
}

# ---- objects (JSON on stdout) -----------------------------------------------

np_kube_namespace() {
  jq -cn --arg n "$1" '{apiVersion: "v1", kind: "Namespace",
    metadata: {name: $n, labels: {"kubernetes.io/metadata.name": $n}}, status: {phase: "Active"}}'
}

# np_kube_node <name> <internal-ip> <pod-cidr>
np_kube_node() {
  jq -cn --arg n "$1" --arg ip "$2" --arg cidr "$3" '{apiVersion: "v1", kind: "Node",
    metadata: {name: $n, labels: {"kubernetes.io/hostname": $n}},
    spec: {podCIDR: $cidr, podCIDRs: [$cidr]},
    status: {addresses: [{type: "InternalIP", address: $ip}, {type: "Hostname", address: $n}]}}'
}

# np_kube_pod <node> <pod-spec>: pod-spec as np_snapshot's "<name>:<ip>:<interface>",
# in namespace e2e, label pod=<name>, the host interface as the annotation.
np_kube_pod() {
  local node=$1 name ip ifname
  IFS=: read -r name ip ifname <<<"$2"
  jq -cn --arg node "$node" --arg n "$name" --arg ip "$ip" --arg ifname "$ifname" '{
    apiVersion: "v1", kind: "Pod",
    metadata: {namespace: "e2e", name: $n, labels: {pod: $n},
               annotations: {"nodeplane.io/interface": $ifname}},
    spec: {nodeName: $node, containers: [{name: "c", image: "none"}]},
    status: {phase: "Running", podIP: $ip, podIPs: [{ip: $ip}]}}'
}

# np_kube_service <name> <cluster-ip> <port> <target-port>: TCP, namespace e2e.
np_kube_service() {
  jq -cn --arg n "$1" --arg ip "$2" --argjson port "$3" --argjson target "$4" '{
    apiVersion: "v1", kind: "Service",
    metadata: {namespace: "e2e", name: $n},
    spec: {type: "ClusterIP", clusterIP: $ip, clusterIPs: [$ip], ipFamilies: ["IPv4"],
           ports: [{name: "http", protocol: "TCP", port: $port, targetPort: $target}]}}'
}

# np_kube_slice <name> <service> <node> <port> [pod-spec...]: an IPv4
# EndpointSlice of the service in namespace e2e, one ready endpoint per pod.
np_kube_slice() {
  local name=$1 svc=$2 node=$3 port=$4; shift 4
  local spec pod ip _if eps=()
  for spec in "$@"; do
    IFS=: read -r pod ip _if <<<"$spec"
    eps+=("$(jq -cn --arg ip "$ip" --arg pod "$pod" --arg node "$node" '{addresses: [$ip],
      conditions: {ready: true, serving: true, terminating: false}, nodeName: $node,
      targetRef: {kind: "Pod", namespace: "e2e", name: $pod}}')")
  done
  jq -cn --arg n "$name" --arg svc "$svc" --argjson port "$port" \
    --argjson eps "$(printf '%s\n' "${eps[@]}" | jq -cs .)" '{
    apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
    metadata: {namespace: "e2e", name: $n, labels: {"kubernetes.io/service-name": $svc}},
    addressType: "IPv4",
    ports: [{name: "http", protocol: "TCP", port: $port}],
    endpoints: $eps}'
}

# np_kube_list <object-json...>: a kubectl-style List of the objects.
np_kube_list() { printf '%s\n' "$@" | jq -cs '{apiVersion: "v1", kind: "List", items: .}'; }

# np_kube_cluster_objects <node> [pod-spec...]: namespace e2e, the node
# (192.168.50.2, 10.200.1.0/24) and the pods, one object a line (read them
# with mapfile; check the server's /state counts, a failed jq in a process
# substitution goes unnoticed).
np_kube_cluster_objects() {
  local node=$1 spec; shift
  np_kube_namespace e2e
  np_kube_node "$node" "$NODE_IP" 10.200.1.0/24
  for spec in "$@"; do np_kube_pod "$node" "$spec"; done
}

# ---- the daemon --------------------------------------------------------------

# np_kube_config <node> [kubeconfig]: the node's configuration (np_config)
# with [state] source = "kubernetes", the given kubeconfig of $NP_KUBE_PKI
# (default kubeconfig-cert) and its last-known file at $NP_WORK/<node>/last-known.toml.
np_kube_config() {
  local node=$1 kubeconfig=${2:-kubeconfig-cert}
  local dir=$NP_WORK/$node
  np_config "$node" "$NODE_IP" eth0 "$dir/unused-snapshot.toml"
  sed -i -e 's/^source = "snapshot"$/source = "kubernetes"/' -e '/^snapshot = /d' "$dir/nodeplane.toml"
  cat >>"$dir/nodeplane.toml" <<TOML

[kubernetes]
kubeconfig = "$NP_KUBE_PKI/$kubeconfig"
last-known = "$(np_kube_last_known "$node")"
TOML
  grep -q '^source = "kubernetes"$' "$dir/nodeplane.toml" || np_fail "np_config's [state] source changed shape"
}

np_kube_last_known() { echo "$NP_WORK/$1/last-known.toml"; }

np_daemon_log() { echo "$NP_WORK/$1-daemon.log"; }

# np_kube_feed <node> <field>: one field of the status's kubernetes feed
# (degraded, servingLastKnown, synced, connected, lastError, relists, ...).
np_kube_feed() { np_status_json "$1" ".kubernetes.$2"; }

# np_kube_feed_is <node> <jq-condition over .kubernetes>: true when it holds.
np_kube_feed_is() {
  [[ "$(np_ctl "$1" --output json status 2>/dev/null | jq -r ".kubernetes | $2" 2>/dev/null)" == true ]]
}

# np_kube_wait_feed <node> <jq-condition> [seconds]
np_kube_wait_feed() {
  local node=$1 cond=$2 seconds=${3:-20}
  np_kube_feed_is "$node" "$cond" && return 0
  local deadline=$((SECONDS + seconds))
  until np_kube_feed_is "$node" "$cond"; do
    if ((SECONDS >= deadline)); then
      np_fail "$node: '$cond' did not hold within ${seconds}s; feed: $(np_ctl "$node" --output json status 2>&1 | jq -c .kubernetes 2>/dev/null)"
    fi
    sleep 0.1
  done
}

# np_kube_wait_synced <node> [seconds]: synced, connected, not degraded.
np_kube_wait_synced() {
  np_kube_wait_feed "$1" '.synced and .connected and (.degraded | not)' "${2:-20}"
}

# np_metric <node> <name>: the value of an unlabelled metric of the node's
# daemon (127.0.0.1:9965 in its namespace); empty when absent.
np_metric() {
  np_in "$1" curl -s -m 2 http://127.0.0.1:9965/metrics 2>/dev/null |
    awk -v m="$2" '$1 == m { print $2; exit }'
}

# np_wait_log <node> <ERE> [seconds] [after-line]: waits for a matching line
# in the daemon's log, past line <after-line> (default 0: anywhere).
np_wait_log() {
  local node=$1 re=$2 seconds=${3:-20} after=${4:-0}
  np_wait_for "a daemon log line matching /$re/" "$seconds" np_log_has "$node" "$re" "$after"
}

np_log_has() { tail -n +"$(($3 + 1))" "$(np_daemon_log "$1")" | grep -qE -- "$2"; }

# np_log_lines <node>: the daemon log's line count (a mark for np_wait_log).
np_log_lines() { wc -l <"$(np_daemon_log "$1")"; }

# np_expect_alive <node>: the daemon's process lives and /livez answers 200.
np_expect_alive() {
  local pid; pid=$(np_daemon_pid "$1")
  kill -0 "$pid" 2>/dev/null || np_fail "$1: nodeplaned (pid $pid) is gone"
  local got; got=$(np_http_status "$1" "$LIVEZ")
  [[ "$got" == 200 ]] || np_fail "$1: /livez answered '$got', expected 200"
}

# np_wait_tcp <from> <ip> <port> <want> [seconds]: polls until the answer is <want>.
np_wait_tcp() {
  local from=$1 ip=$2 port=$3 want=$4 seconds=${5:-20} got=""
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    got=$(np_tcp_request "$from" "$ip" "$port")
    [[ "$got" == "$want" ]] && return 0
    sleep 0.2
  done
  np_fail "TCP $from -> $ip:$port answered by '$got', expected '$want' within ${seconds}s"
}
