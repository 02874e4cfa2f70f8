#!/usr/bin/env bash
# NetworkPolicy end to end (issue 4), on the Kubernetes project's own matrix:
# namespaces x, y, z, pods a, b, c in each, over two nodes running the real
# daemon (lib/netpol.sh). Every case of shared/cases/netpol-public.json and of
# netpol/netpol-own.json, every step in order (steps are cumulative): both
# snapshots written and applied, then each probe of the step from all 9 pods
# to all 9 pods' ClusterIPs, compared with the case's matrix except the
# diagonal. As upstream, a wrong matrix is probed once more and only the
# second pass is graded. Prints a line per step and a diff for each wrong one.
#
#   NP_NETPOL_CASES="np-001 own-003"   only these cases (default: all)
#   NP_NETPOL_TIMEOUT_MS=1000          per probe
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init netpol
source "$(dirname "$0")/lib/cluster.sh"
source "$(dirname "$0")/lib/netpol.sh"

started=$SECONDS
np_netpol_tools
declare -A steps_of=()
all_cases=()
listing=$(np_netpol_case list) || np_fail "cannot list the cases"
while read -r id steps; do
  steps_of[$id]=$steps
  all_cases+=("$id")
done <<<"$listing"
read -r -a cases <<<"${NP_NETPOL_CASES:-${all_cases[*]}}"
for c in "${cases[@]}"; do [[ -n ${steps_of[$c]:-} ]] || np_fail "no case '$c' (cases: ${all_cases[*]})"; done

np_netpol_place
np_log "starting two nodes and 9 pods"
np_netpol_start "${cases[0]}"
np_log "cluster up after $((SECONDS - started)) s"

passed=0 failed=0 failed_steps=()
for c in "${cases[@]}"; do
  for ((step = 1; step <= ${steps_of[$c]}; step++)); do
    np_netpol_apply "$c" "$step"
    verdict=PASS details=""
    probes=$(np_netpol_case probes "$c" "$step") || np_fail "cannot read the probes of $c step $step"
    mapfile -t probe_lines <<<"$probes"
    for probe in "${probe_lines[@]}"; do
      read -r proto port want <<<"$probe"
      got=$(np_netpol_probe "$proto" "$port")
      wrong=$(np_netpol_wrong "$want" "$got")
      if ((wrong > 0)); then  # upstream probes a wrong matrix once more
        got=$(np_netpol_probe "$proto" "$port")
        wrong=$(np_netpol_wrong "$want" "$got")
      fi
      if ((wrong > 0)); then
        verdict=FAIL
        details+=" $proto/$port: $wrong of 72 cells wrong;"
        np_netpol_diff "$c step $step $proto/$port" "$want" "$got"
      else
        details+=" $proto/$port ok;"
      fi
    done
    np_log "$verdict $c step $step:${details%;}"
    if [[ $verdict == PASS ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); failed_steps+=("$c/$step"); fi
  done
done

np_log "netpol matrix: $passed steps passed, $failed failed${failed_steps:+ (${failed_steps[*]})}; $((SECONDS - started)) s"
((failed == 0)) || np_fail "$failed NetworkPolicy steps did not match their matrix"
np_log "PASS"
