# Network namespace topologies for end-to-end tests and the demo, built per the
# pod attachment contract (shared spec snapshot.md). Source this file; every
# object it creates is recorded and removed by np_cleanup, which np_init installs
# as an EXIT/INT/TERM trap, so a failing or interrupted run leaves nothing behind.
#
# Names: every namespace starts with $NP_PREFIX (unique per run), so parallel
# runs and the host's own namespaces never collide.

set -o pipefail

NP_PREFIX=""
NP_WORK=""
NP_NAMESPACES=()
NP_MOUNTS=()
NP_PIDS=()
NP_KEEP_WORK=${NP_KEEP_WORK:-0}

np_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
np_fail() { np_log "FAIL: $*"; exit 1; }

# np_init <short-name>: work directory, name prefix, cleanup trap.
np_init() {
  local name=$1
  NP_PREFIX="np${name:0:4}$$-"
  NP_WORK=$(mktemp -d "/tmp/np-e2e-${name}-XXXXXX")
  trap np_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

np_cleanup() {
  local rc=$?
  # A second Ctrl-C must not cut the cleanup short.
  trap '' INT TERM
  set +e
  for pid in "${NP_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null
  done
  for pid in "${NP_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  for ns in "${NP_NAMESPACES[@]}"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  for m in "${NP_MOUNTS[@]}"; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
  done
  if declare -F np_cleanup_extra >/dev/null; then np_cleanup_extra; fi
  if ((rc != 0)) && [[ -n "$NP_WORK" ]]; then
    for log in "$NP_WORK"/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- $(basename "$log") (last 40 lines) -----" >&2
      tail -n 40 "$log" >&2
    done
  fi
  if [[ "$NP_KEEP_WORK" != 1 && -n "$NP_WORK" ]]; then rm -rf "$NP_WORK"; fi
  exit $rc
}

np_ns() { echo "${NP_PREFIX}$1"; }

np_netns_add() {
  local ns=$1
  ip netns add "$ns" || np_fail "cannot create netns $ns"
  NP_NAMESPACES+=("$ns")
  ip -n "$ns" link set lo up
}

# np_node <node>: the node's network namespace.
np_node() { np_netns_add "$(np_ns "$1")"; }

# np_bpffs <dir>: a private bpf filesystem (ip netns exec hides /sys/fs/bpf).
np_bpffs() {
  local dir=$1
  mkdir -p "$dir"
  mount -t bpf bpf "$dir" || np_fail "cannot mount bpffs on $dir"
  NP_MOUNTS+=("$dir")
}

# np_link_external <node> <ifname> <node-cidr> <client> <client-cidr>:
# an outside host joined to the node's external interface by a veth pair.
np_link_external() {
  local node; node=$(np_ns "$1")
  local ifname=$2 node_cidr=$3 client=$4 client_cidr=$5
  local cns; cns=$(np_ns "$client")
  [[ -e /run/netns/$cns ]] || np_netns_add "$cns"
  ip link add "${NP_PREFIX}x" type veth peer name "${NP_PREFIX}y" || np_fail "veth"
  ip link set "${NP_PREFIX}x" netns "$node" name "$ifname"
  ip link set "${NP_PREFIX}y" netns "$cns" name eth0
  ip -n "$node" addr add "$node_cidr" dev "$ifname"
  ip -n "$node" link set "$ifname" up
  ip -n "$cns" addr add "$client_cidr" dev eth0
  ip -n "$cns" link set eth0 up
}

# np_pod <node> <pod> <ip> <host-ifname>: a pod attached per the contract:
# eth0 with the pod IP as /32, default via 169.254.1.1 onlink, and a permanent
# neighbour for 169.254.1.1 with the host end's MAC.
np_pod() {
  local node; node=$(np_ns "$1")
  local pod; pod=$(np_ns "$2")
  local ip=$3 host_if=$4
  np_netns_add "$pod"
  ip link add "${NP_PREFIX}p" type veth peer name "${NP_PREFIX}h" || np_fail "veth"
  ip link set "${NP_PREFIX}p" netns "$pod" name eth0
  ip link set "${NP_PREFIX}h" netns "$node" name "$host_if"
  ip -n "$node" link set "$host_if" up
  ip -n "$pod" addr add "$ip/32" dev eth0
  ip -n "$pod" link set eth0 up
  local mac; mac=$(ip -n "$node" -br link show "$host_if" | awk '{print $3}')
  ip -n "$pod" route add 169.254.1.1 dev eth0 scope link
  ip -n "$pod" route add default via 169.254.1.1 dev eth0 onlink
  ip -n "$pod" neigh replace 169.254.1.1 lladdr "$mac" dev eth0 nud permanent
}

# np_pod_delete <node> <pod> <host-ifname>: the pod's veth goes away (the CNI DEL).
np_pod_delete() {
  local node; node=$(np_ns "$1")
  ip -n "$node" link del "$3" 2>/dev/null
  ip netns del "$(np_ns "$2")" 2>/dev/null
}

# np_in <ns-short-name> <command...>: run inside a test namespace.
np_in() { local ns; ns=$(np_ns "$1"); shift; ip netns exec "$ns" "$@"; }

np_bg() { "$@" & NP_PIDS+=($!); }

# np_bridge <fabric> [<ns>:<ifname>:<cidr>...]: the network several nodes
# share, as one switch: a namespace <fabric> holding the bridge br0. Each
# member is joined with np_bridge_join.
np_bridge() {
  local fabric=$1; shift
  local fns; fns=$(np_ns "$fabric")
  np_netns_add "$fns"
  ip -n "$fns" link add br0 type bridge || np_fail "cannot create a bridge in $fns"
  ip -n "$fns" link set br0 up
  local spec ns ifname cidr
  for spec in "$@"; do
    IFS=: read -r ns ifname cidr <<<"$spec"
    np_bridge_join "$fabric" "$ns" "$ifname" "$cidr"
  done
}

# np_bridge_join <fabric> <ns> <ifname> <cidr>: a veth from the fabric's
# bridge into <ns> (a node, or an outside host, created when missing), named
# <ifname> there, up, with <cidr> on it. Bridge ports are p0, p1... in join order.
np_bridge_join() {
  local fns; fns=$(np_ns "$1")
  local ns; ns=$(np_ns "$2")
  local ifname=$3 cidr=$4
  [[ -e /run/netns/$ns ]] || np_netns_add "$ns"
  local port; port="p$(ip -n "$fns" -o link show master br0 | wc -l)"
  ip link add "${NP_PREFIX}x" type veth peer name "${NP_PREFIX}y" || np_fail "veth"
  ip link set "${NP_PREFIX}x" netns "$fns" name "$port"
  ip link set "${NP_PREFIX}y" netns "$ns" name "$ifname"
  ip -n "$fns" link set "$port" master br0 up || np_fail "cannot join $port to the bridge in $fns"
  ip -n "$ns" addr add "$cidr" dev "$ifname"
  ip -n "$ns" link set "$ifname" up
}
