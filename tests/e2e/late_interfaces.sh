#!/usr/bin/env bash
# Pods whose interfaces appear after the daemon started, and an interface that
# disappears and comes back with a new ifindex, are attached and forwarded.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init late

np_single_node_setup   # no pods yet
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

np_log "the state is applied although its interfaces do not exist yet"
pending=$(np_status_json node-a '.pendingInterfaces | join(",")')
[[ "$pending" == "np-a,np-b" ]] || np_fail "pendingInterfaces is '$pending', expected 'np-a,np-b'"

np_log "pods come up; the daemon attaches as the links appear"
np_pod node-a a 10.200.1.10 np-a
np_pod node-a b 10.200.1.11 np-b
for _ in $(seq 50); do
  [[ $(np_status_json node-a '.pendingInterfaces | length') == 0 ]] && break
  sleep 0.1
done
np_expect_ping a 10.200.1.11 3
np_in node-a ip route show 10.200.1.11/32 | grep -q 'dev np-b' || np_fail "no host route for late pod b"

np_log "pod b's veth is deleted and created again (new ifindex)"
old_ifindex=$(np_in node-a cat /sys/class/net/np-b/ifindex)
np_pod_delete node-a b np-b
np_expect_no_ping a 10.200.1.11
np_pod node-a b 10.200.1.11 np-b
new_ifindex=$(np_in node-a cat /sys/class/net/np-b/ifindex)
[[ $old_ifindex != "$new_ifindex" ]] || np_fail "the re-created veth kept ifindex $old_ifindex"
for _ in $(seq 50); do np_ping a 10.200.1.11 1 && break; sleep 0.1; done
np_expect_ping a 10.200.1.11 3
np_in node-a tc filter show dev np-b ingress | grep -q from_pod || np_fail "from_pod not re-attached to the new np-b"
[[ $(np_iface node-a np-b ifindex) == "$new_ifindex" ]] || np_fail "status shows np-b ifindex $(np_iface node-a np-b ifindex), expected $new_ifindex"

np_log "PASS"
