# Running the real nodeplaned inside a test node, and talking to it.
# Needs NODEPLANED and NODEPLANECTL (paths to the built binaries).

: "${NODEPLANED:?path to nodeplaned}"
: "${NODEPLANECTL:?path to nodeplanectl}"

declare -A NP_DAEMON_PID=()

# np_config <node> <health-ip> <external-ifs> <snapshot> : writes
# $NP_WORK/<node>/nodeplane.toml with its own bpffs, socket and health address,
# and [datapath] cgroup = $NP_CGROUP (empty unless set: socket hooks off).
np_config() {
  local node=$1 health_ip=$2 ext=$3 snapshot=$4
  local dir=$NP_WORK/$node
  mkdir -p "$dir"
  [[ -d $dir/bpffs ]] || np_bpffs "$dir/bpffs"
  local ifs=""
  for i in $ext; do ifs+="\"$i\", "; done
  cat > "$dir/nodeplane.toml" <<TOML
[node]
name = "$node"
external-interfaces = [${ifs%, }]

[state]
source = "snapshot"
snapshot = "$snapshot"

[datapath]
bpffs = "$dir/bpffs/nodeplane"
# Socket hooks off unless a test names its own scratch cgroup: never the host's.
cgroup = "${NP_CGROUP:-}"

[health]
listen = "$health_ip:10256"

[lifecycle]
drain-seconds = 1
# Never the host's marker or its logind.
drain-marker = "$dir/drained"
shutdown-inhibitor = false

[control]
socket = "$dir/control.sock"
system-bus = false

[observe]
socket = "$dir/observe.sock"

[metrics]
# Inside the node's namespace: its own loopback.
listen = "127.0.0.1:9965"

[log]
level = "debug"
TOML
}

# np_daemon_start <node> [VAR=value...]: starts nodeplaned in the node's
# namespace, with the given extra environment (NOTIFY_SOCKET=..., say).
np_daemon_start() {
  local node=$1; shift
  local dir=$NP_WORK/$node
  env "$@" ip netns exec "$(np_ns "$node")" "$NODEPLANED" --config "$dir/nodeplane.toml" >>"$dir/../$node-daemon.log" 2>&1 &
  NP_DAEMON_PID[$node]=$!
  NP_PIDS+=($!)
}

np_daemon_pid() { echo "${NP_DAEMON_PID[$1]}"; }

# np_daemon_stop <node> [signal]
np_daemon_stop() {
  local node=$1 sig=${2:-TERM}
  local pid=${NP_DAEMON_PID[$node]}
  kill -"$sig" "$pid" 2>/dev/null
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  wait "$pid" 2>/dev/null || true
}

np_ctl() {
  local node=$1; shift
  "$NODEPLANECTL" --socket "$NP_WORK/$node/control.sock" "$@"
}

# np_http <node> <url>: prints "<status> <body>" of a GET from inside the node
# ("000 " when nothing answered).
np_http() {
  local node=$1 url=$2 out
  out=$(np_in "$node" curl -s -m 2 -w '\n%{http_code}' "$url" 2>/dev/null) || true
  [[ -n "$out" ]] || out=$'\n000'
  local code=${out##*$'\n'}
  printf '%s %s\n' "$code" "${out%$'\n'*}"
}

np_http_status() { np_http "$1" "$2" | awk '{print $1}'; }

# np_wait_health <node> <url> <status> [timeout-s]
np_wait_health() {
  local node=$1 url=$2 want=$3 timeout=${4:-20}
  local deadline=$((SECONDS + timeout)) got=""
  while ((SECONDS < deadline)); do
    got=$(np_http_status "$node" "$url")
    [[ "$got" == "$want" ]] && return 0
    sleep 0.1
  done
  np_fail "$url answered '$got', expected $want within ${timeout}s"
}

# np_json <node> <jq-filter>: query `nodeplanectl --output json status`.
# np_wait_generation <node> <n>: waits up to 5 s for the daemon to report
# state generation n (or later) applied.
np_wait_generation() {
  local node=$1 want=$2
  for _ in $(seq 50); do
    (( $(np_status_json "$node" .generation) >= want )) && return 0
    sleep 0.1
  done
  np_fail "$node: generation $want was not applied"
}

np_status_json() { np_ctl "$1" --output json status | jq -r "$2"; }

np_last_updated() { np_http "$1" "$2" | sed 's/^[0-9]* //' | jq -r .lastUpdated; }
