#!/usr/bin/env bash
# nodeplanectl teardown: refused while the daemon answers; after a stop the
# pinned datapath still forwards, and teardown removes it: no tc filter of
# ours on any interface, no socket hook on the scratch cgroup, no pin. A
# second run finds nothing and succeeds.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
np_init teardown

# The socket hooks on a scratch cgroup (never the host's).
source "$(dirname "$0")/../lib/cgroup.sh"
np_scratch_cgroup td

np_single_node_setup a b
BPFFS=$NP_WORK/node-a/bpffs/nodeplane
CONFIG=$NP_WORK/node-a/nodeplane.toml
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"

# teardown [args...]: nodeplanectl teardown in the node's namespace, where
# its interfaces are; output in $NP_WORK/teardown.out, status in $rc.
teardown() {
  rc=0
  np_in node-a "$NODEPLANECTL" teardown --config "$CONFIG" "$@" >"$NP_WORK/teardown.out" 2>&1 || rc=$?
}

# Our filters (handle 0x4e50 priority 1) on the node's interfaces, one line each.
our_filters() {
  local ifname dir
  for ifname in eth0 np-a np-b; do
    for dir in ingress egress; do
      np_in node-a tc filter show dev "$ifname" "$dir" 2>/dev/null | grep -q 'np_' && echo "$ifname $dir"
    done
  done
  true
}

# Programs attached to the scratch cgroup.
cgroup_progs() { local n; n=$(bpftool -j cgroup show "$CG_HOST" 2>/dev/null | jq length); echo "${n:-0}"; }

np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
np_expect_ping a 10.200.1.11
[[ $(our_filters | wc -l) == 6 ]] || np_fail "expected our filters on 3 interfaces x 2 directions, got: $(our_filters)"
(( $(cgroup_progs) == 4 )) || np_fail "expected the 4 socket hooks on the scratch cgroup, got $(cgroup_progs)"

np_log "refused while the daemon answers"
teardown
((rc == 1)) || np_fail "teardown with the daemon running exited $rc, expected 1: $(cat "$NP_WORK/teardown.out")"
grep -q "stop it first" "$NP_WORK/teardown.out" || np_fail "the refusal does not say to stop the daemon: $(cat "$NP_WORK/teardown.out")"
[[ -d $BPFFS/maps ]] || np_fail "the refused teardown removed pins"

np_log "stopped: the pinned datapath keeps forwarding"
np_daemon_stop node-a TERM
np_expect_ping a 10.200.1.11
[[ $(our_filters | wc -l) == 6 ]] || np_fail "the stop detached filters: $(our_filters)"

np_log "teardown after the stop"
teardown
((rc == 0)) || np_fail "teardown exited $rc: $(cat "$NP_WORK/teardown.out")"
np_log "teardown said: $(head -c 2000 "$NP_WORK/teardown.out")"
for what in "Detached np_from_pod" "from 'np-a' ingress" "Detached np_to_netdev" "from 'eth0' egress" \
            "Detached the socket hook np_sk_connect4" "Removed the pinned map $BPFFS/maps/np_conntrack_v2" \
            "Removed the pinned program $BPFFS/progs/np_from_pod" "Removed $BPFFS"; do
  grep -qF "$what" "$NP_WORK/teardown.out" || np_fail "teardown did not report '$what'"
done
[[ -z $(our_filters) ]] || np_fail "filters left behind: $(our_filters)"
(( $(cgroup_progs) == 0 )) || np_fail "$(cgroup_progs) socket hooks left on the scratch cgroup"
[[ ! -e $BPFFS ]] || np_fail "$BPFFS left behind: $(find "$BPFFS")"

np_log "a second teardown finds nothing"
teardown
((rc == 0)) || np_fail "the second teardown exited $rc: $(cat "$NP_WORK/teardown.out")"
grep -q "Nothing to tear down" "$NP_WORK/teardown.out" || np_fail "the second teardown said: $(cat "$NP_WORK/teardown.out")"

np_log "and a daemon started afterwards builds it all again"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
np_expect_ping a 10.200.1.11
np_daemon_stop node-a TERM
teardown
((rc == 0)) || np_fail "the last teardown exited $rc: $(cat "$NP_WORK/teardown.out")"
np_log "PASS"
