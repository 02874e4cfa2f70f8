#!/usr/bin/env bash
# Every step of every NetworkPolicy case renders, for both nodes of the
# matrix harness, a snapshot that nodeplaned --check-snapshot accepts. No
# root and no namespaces: only the renderer and the daemon's own validation.
# Needs NODEPLANED and NP_NETPOL_CASE (ctest sets both).
set -euo pipefail
lib=$(cd "$(dirname "$0")/../lib" && pwd)
source "$lib/topology.sh"
np_init npcheck
source "$lib/cluster.sh"
source "$lib/netpol.sh"
: "${NP_NETPOL_CASE:?path to np-netpol-case}"

np_netpol_place
checked=0
listing=$(np_netpol_case list) || np_fail "cannot list the cases"
while read -r id steps; do
  for ((step = 1; step <= steps; step++)); do
    for node in "${XN_NODES[@]}"; do
      np_netpol_render "$node" "$id" "$step" "$NP_WORK/$id-$step-$node.toml"
      checked=$((checked + 1))
    done
  done
done <<<"$listing"
((checked > 0)) || np_fail "no case was rendered"
np_log "PASS: $checked snapshots accepted"
