# The NetworkPolicy matrix (issue 4) on two nodes: upstream's model of
# namespaces x, y, z with pods a, b, c each, every pod serving TCP and UDP on
# 80 and 81 (np-serve), one ClusterIP Service per pod, and the cases' steps
# applied as snapshots. Probes go from every pod to every pod's ClusterIP at
# once (np-probe, one process per source pod). Source after lib/common.sh,
# np_init and lib/cluster.sh (the fabric addresses, xn_wait_generation).
#
#   node-a: x/a x/b x/c y/a   10.244.1.10-13   (policy between local pods)
#   node-b: y/b y/c z/a z/b z/c 10.244.2.10-14 (and across nodes)
#   Service s-<ns>-<pod>: 10.96.0.10 + the pod's index in the model
# The case files decide which ports the pods declare and the Services carry;
# np-serve listens on all four regardless.

NP_NETPOL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NP_NETPOL_PUBLIC=${NP_NETPOL_PUBLIC:-$NP_NETPOL_DIR/../../../shared/cases/netpol-public.json}
NP_NETPOL_OWN=${NP_NETPOL_OWN:-$NP_NETPOL_DIR/netpol/netpol-own.json}
NP_NETPOL_TIMEOUT_MS=${NP_NETPOL_TIMEOUT_MS:-1000}  # upstream's probe timeout
NP_NETPOL_PORTS=(tcp:80 tcp:81 udp:80 udp:81)

# The tools, next to nodeplaned's build tree unless named.
np_netpol_tools() {
  local bin; bin=$(cd "$(dirname "${NODEPLANED:?path to nodeplaned}")/../.." && pwd)/tests/e2e/netpol
  NP_NETPOL_CASE=${NP_NETPOL_CASE:-$bin/np-netpol-case}
  NP_PROBE=${NP_PROBE:-$bin/np-probe}
  NP_SERVE=${NP_SERVE:-$bin/np-serve}
  local tool
  for tool in "$NP_NETPOL_CASE" "$NP_PROBE" "$NP_SERVE"; do
    [[ -x $tool ]] || np_fail "missing $tool (build targets np-netpol-case np-probe np-serve)"
  done
}

# np_netpol_case <args...>: the case tool over the public and our own cases.
np_netpol_case() { "$NP_NETPOL_CASE" --cases "$NP_NETPOL_PUBLIC" --cases "$NP_NETPOL_OWN" "$@"; }

NP_NETPOL_POD_IDS=()            # the model's pods, in matrix order
declare -A NP_NETPOL_NODE=() NP_NETPOL_IP=() NP_NETPOL_CIP=() NP_NETPOL_IF=()

# np_netpol_place: where each model pod runs, and the placement file the case
# tool reads ("<id> <ip> <node> <cluster-ip> <interface>").
np_netpol_place() {
  local pods; pods=$(np_netpol_case pods) || np_fail "cannot read the model's pods"
  mapfile -t NP_NETPOL_POD_IDS <<<"$pods"
  ((${#NP_NETPOL_POD_IDS[@]} == 9)) || np_fail "the model has ${#NP_NETPOL_POD_IDS[@]} pods, expected 9"
  local i id host
  declare -A next=([node-a]=10 [node-b]=10)
  for i in "${!NP_NETPOL_POD_IDS[@]}"; do
    id=${NP_NETPOL_POD_IDS[$i]}
    if [[ $id == x/* || $id == y/a ]]; then NP_NETPOL_NODE[$id]=node-a; else NP_NETPOL_NODE[$id]=node-b; fi
    if [[ ${NP_NETPOL_NODE[$id]} == node-a ]]; then host=1; else host=2; fi
    NP_NETPOL_IP[$id]=10.244.$host.${next[${NP_NETPOL_NODE[$id]}]}
    next[${NP_NETPOL_NODE[$id]}]=$(( ${next[${NP_NETPOL_NODE[$id]}]} + 1 ))
    NP_NETPOL_CIP[$id]=10.96.0.$((10 + i))
    NP_NETPOL_IF[$id]=np-${id/\//}
  done
  for id in "${NP_NETPOL_POD_IDS[@]}"; do
    echo "$id ${NP_NETPOL_IP[$id]} ${NP_NETPOL_NODE[$id]} ${NP_NETPOL_CIP[$id]} ${NP_NETPOL_IF[$id]}"
  done > "$NP_WORK/placement"
}

# A pod's namespace short name for np_ns/np_in: "x/a" -> "x-a".
np_netpol_ns() { echo "${1/\//-}"; }

np_netpol_snapshot_file() { echo "$NP_WORK/$1-state.toml"; }

# np_netpol_render <node> <case> <step> <file>: <node>'s snapshot after the
# step, checked by nodeplaned --check-snapshot (a refused snapshot would
# leave the daemon on the old generation and the wait would only time out).
np_netpol_render() {
  local self=$1 case=$2 step=$3 file=$4 node
  {
    printf 'format = 1\nnode = "%s"\n' "$self"
    for node in "${XN_NODES[@]}"; do
      printf '\n[[nodes]]\nname = "%s"\naddresses = ["%s"]\npodCIDRs = ["%s"]\n' \
        "$node" "${XN_NODE_IP[$node]}" "${XN_NODE_CIDR[$node]}"
    done
    np_netpol_case snapshot "$case" "$step" --placement "$NP_WORK/placement" --node "$self" ||
      np_fail "cannot render $case step $step for $self"
  } > "$file"
  local out
  out=$("$NODEPLANED" --check-snapshot "$file" 2>&1) ||
    np_fail "nodeplaned refuses the snapshot of $case step $step for $self: $out"
}

# np_netpol_apply <case> <step>: both nodes' snapshots written (renamed into
# place), then wait until both daemons applied a new generation.
np_netpol_apply() {
  local case=$1 step=$2 node file
  declare -A before=()
  for node in "${XN_NODES[@]}"; do before[$node]=$(np_status_json "$node" .generation); done
  for node in "${XN_NODES[@]}"; do
    file=$(np_netpol_snapshot_file "$node")
    np_netpol_render "$node" "$case" "$step" "$file.tmp"
    mv "$file.tmp" "$file"
  done
  for node in "${XN_NODES[@]}"; do xn_wait_generation "$node" $(( ${before[$node]} + 1 )); done
}

# np_netpol_start <case>: fabric, both nodes, the 9 pods serving, both
# daemons serving the case's step 1.
np_netpol_start() {
  local first=$1 node id
  np_bridge fabric
  for node in "${XN_NODES[@]}"; do
    np_node "$node"
    np_bridge_join fabric "$node" eth0 "${XN_NODE_IP[$node]}/24"
  done
  for id in "${NP_NETPOL_POD_IDS[@]}"; do
    np_pod "${NP_NETPOL_NODE[$id]}" "$(np_netpol_ns "$id")" "${NP_NETPOL_IP[$id]}" "${NP_NETPOL_IF[$id]}"
    np_bg ip netns exec "$(np_ns "$(np_netpol_ns "$id")")" "$NP_SERVE" "${NP_NETPOL_PORTS[@]}"
  done
  for node in "${XN_NODES[@]}"; do
    np_netpol_render "$node" "$first" 1 "$(np_netpol_snapshot_file "$node")"
    np_config "$node" "${XN_NODE_IP[$node]}" eth0 "$(np_netpol_snapshot_file "$node")"
    np_daemon_start "$node"
  done
  for node in "${XN_NODES[@]}"; do np_wait_health "$node" "$(xn_healthz "$node")" 200; done
  for id in "${NP_NETPOL_POD_IDS[@]}"; do np_wait_listen "$(np_netpol_ns "$id")" 81; done
}

# np_netpol_probe <protocol> <port>: 81 digits, row = source pod, column =
# destination pod (model order); every source probes all 9 ClusterIPs at once
# and the sources run in parallel.
np_netpol_probe() {
  local proto=${1,,} port=$2 i id targets=()
  for id in "${NP_NETPOL_POD_IDS[@]}"; do targets+=("${NP_NETPOL_CIP[$id]}:$port"); done
  local pids=()
  for i in "${!NP_NETPOL_POD_IDS[@]}"; do
    np_in "$(np_netpol_ns "${NP_NETPOL_POD_IDS[$i]}")" "$NP_PROBE" --timeout-ms "$NP_NETPOL_TIMEOUT_MS" \
      "$proto" "${targets[@]}" > "$NP_WORK/probe.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || np_fail "np-probe from ${NP_NETPOL_POD_IDS[$i]} failed: $(cat "$NP_WORK/probe.$i")"; done
  local row all=""
  for i in "${!NP_NETPOL_POD_IDS[@]}"; do
    row=$(<"$NP_WORK/probe.$i")
    [[ $row =~ ^[01]{9}$ ]] || np_fail "np-probe from ${NP_NETPOL_POD_IDS[$i]} printed '$row'"
    all+=$row
  done
  echo "$all"
}

# np_netpol_wrong <expected> <got>: how many off-diagonal cells differ
# (upstream never grades a pod reaching itself: ignoreLoopback).
np_netpol_wrong() {
  local want=$1 got=$2 n=0 i
  for ((i = 0; i < 81; i++)); do
    ((i / 9 == i % 9)) && continue
    [[ ${want:i:1} == "${got:i:1}" ]] || n=$((n + 1))
  done
  echo $n
}

# np_netpol_diff <label> <expected> <got>: the grid (. as expected, A allowed
# but expected denied, D denied but expected allowed, blank: the ungraded
# diagonal), then every wrong pair spelled out.
np_netpol_diff() {
  local label=$1 want=$2 got=$3 f t i line pairs=()
  printf '  %s: got vs expected (rows from, columns to)\n        ' "$label" >&2
  for t in "${NP_NETPOL_POD_IDS[@]}"; do printf '%-4s' "$t" >&2; done
  printf '\n' >&2
  for f in "${!NP_NETPOL_POD_IDS[@]}"; do
    line=$(printf '    %-4s' "${NP_NETPOL_POD_IDS[$f]}")
    for t in "${!NP_NETPOL_POD_IDS[@]}"; do
      i=$((f * 9 + t))
      if ((f == t)); then line+="    "
      elif [[ ${want:i:1} == "${got:i:1}" ]]; then line+=".   "
      elif [[ ${got:i:1} == 1 ]]; then line+="A   "; pairs+=("${NP_NETPOL_POD_IDS[$f]} -> ${NP_NETPOL_POD_IDS[$t]}: expected DENY, got ALLOW")
      else line+="D   "; pairs+=("${NP_NETPOL_POD_IDS[$f]} -> ${NP_NETPOL_POD_IDS[$t]}: expected ALLOW, got DENY")
      fi
    done
    printf '%s\n' "$line" >&2
  done
  for line in "${pairs[@]}"; do printf '    %s\n' "$line" >&2; done
}
