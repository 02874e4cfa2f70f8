#!/usr/bin/env bash
# Map layout across restarts: a bigger [datapath] max-conntrack-entries and
# max-services migrate the pinned maps under continuous traffic (no
# connection fails, established flows keep their conntrack entries); a
# pinned datapath of another layout version, or a map of another value size
# (what a new version's struct change looks like), is refused with a clear
# message and exit status 78 while the old datapath keeps forwarding.
set -euo pipefail
source "$(dirname "$0")/../lib/common.sh"
source "$(dirname "$0")/../lib/probe.sh"
np_init upgrade

np_single_node_setup a b c
CLIENT=192.168.50.1
MAPS=$NP_WORK/node-a/bpffs/nodeplane/maps
DROPIN_DIR=$NP_WORK/node-a/nodeplane.toml.d

for p in b c; do
  np_bg ip netns exec "$(np_ns $p)" socat -T 20 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo $p; cat" 2>/dev/null
done
for p in b c; do np_wait_listen $p 8080; done

{
  printf 'format = 1\nnode = "node-a"\n'
  printf '\n[[nodes]]\nname = "node-a"\naddresses = ["%s"]\npodCIDRs = ["10.200.1.0/24"]\n' "$NODE_IP"
  printf '\n[[namespaces]]\nname = "e2e"\nlabels = { "kubernetes.io/metadata.name" = "e2e" }\n'
  for spec in a:10.200.1.10:np-a b:10.200.1.11:np-b c:10.200.1.12:np-c; do
    IFS=: read -r name ip ifname <<<"$spec"
    printf '\n[[pods]]\nnamespace = "e2e"\nname = "%s"\nnodeName = "node-a"\npodIPs = ["%s"]\n' "$name" "$ip"
    printf 'labels = { pod = "%s" }\ninterface = "%s"\n' "$name" "$ifname"
  done
  cat <<'TOML'

[[services]]
namespace = "e2e"
name = "web"
type = "NodePort"
clusterIPs = ["10.96.0.10"]
ports = [{ name = "http", protocol = "TCP", port = 80, targetPort = "http", nodePort = 30080 }]

[[endpointSlices]]
namespace = "e2e"
name = "web-1"
service = "web"
addressType = "IPv4"
ports = [{ name = "http", port = 8080, protocol = "TCP" }]
endpoints = [
  { addresses = ["10.200.1.11"], conditions = { ready = true }, nodeName = "node-a" },
  { addresses = ["10.200.1.12"], conditions = { ready = true }, nodeName = "node-a" },
]
TOML
} > "$SNAPSHOT"

# sizes <conntrack> <services>: the drop-in an operator would edit.
sizes() {
  mkdir -p "$DROPIN_DIR"
  printf '[datapath]\nmax-conntrack-entries = %s\nmax-services = %s\n' "$1" "$2" > "$DROPIN_DIR/sizes.toml"
}

# map_max <name>: max_entries of a map, from the daemon.
map_max() { np_status_json node-a ".maps[] | select(.name == \"$1\") | .maxEntries"; }

# Age in whole seconds of the oldest conntrack entry from the client to the
# NodePort: the long-lived connection's, as long as it lives.
oldest_client_flow() {
  np_ctl node-a --output json conntrack list |
    jq -r --arg c "$CLIENT" '[.entries[] | select(.source == $c and .destinationPort == 30080) | .ageSeconds] | max // -1'
}

# start_refused <label> <expected message part>: starts the daemon on the
# current pins and expects the refusal, its status and the message.
start_refused() {
  local label=$1 want=$2 log=$NP_WORK/refused-$1.log rc=0
  ip netns exec "$(np_ns node-a)" timeout 30 "$NODEPLANED" --config "$NP_WORK/node-a/nodeplane.toml" >"$log" 2>&1 || rc=$?
  ((rc == 78)) || np_fail "$label: nodeplaned exited $rc, expected 78 (EX_CONFIG): $(cat "$log")"
  grep -q "Refusing to adopt the pinned datapath under '$NP_WORK/node-a/bpffs/nodeplane'" "$log" ||
    np_fail "$label: no refusal naming the bpffs directory: $(cat "$log")"
  grep -qF "$want" "$log" || np_fail "$label: the refusal does not say '$want': $(cat "$log")"
  grep -q "nodeplanectl teardown" "$log" || np_fail "$label: the refusal does not say what to do: $(cat "$log")"
  np_log "$label: refused, exit 78: $(grep -o 'Refusing.*' "$log" | head -c 300)"
}

sizes 2048 512
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
[[ $(map_max np_conntrack_v2) == 2048 && $(map_max np_services_v2) == 512 ]] ||
  np_fail "the first sizes were not applied: conntrack $(map_max np_conntrack_v2), services $(map_max np_services_v2)"

np_log "continuous traffic through the NodePort (outside) and the ClusterIP (pod a)"
np_probe_start outside client --long-lived --timeout-ms 800 --target nodeport=$NODE_IP:30080
np_probe_start pod-a a --long-lived --timeout-ms 800 --target clusterip=10.96.0.10:80
np_probe_wait_long_lived outside 1
np_probe_wait_long_lived pod-a 1
sleep 2
age_before=$(oldest_client_flow)
((age_before >= 1)) || np_fail "no conntrack entry of the long-lived NodePort connection (oldest: $age_before s)"

np_log "restart with bigger maps: migrated, not replaced"
np_daemon_stop node-a TERM
sizes 8192 1024
began=$SECONDS
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
for map in np_conntrack_v2 np_services_v2 np_rev_nat_v1; do
  grep -q "Migrated the pinned map $map: max_entries" "$NP_WORK/node-a-daemon.log" ||
    np_fail "no migration of $map logged"
done
grep -q "Migrated map caught up: np_conntrack_v2: [0-9]* entries" "$NP_WORK/node-a-daemon.log" ||
  np_fail "no conntrack catch-up after the switch logged"
np_log "$(grep -o 'Migrated.*' "$NP_WORK/node-a-daemon.log" | tr '\n' ';')"
[[ $(map_max np_conntrack_v2) == 8192 && $(map_max np_services_v2) == 1024 ]] ||
  np_fail "the new sizes were not applied: conntrack $(map_max np_conntrack_v2), services $(map_max np_services_v2)"
age_after=$(oldest_client_flow)
((age_after >= age_before + SECONDS - began)) ||
  np_fail "the long-lived flow's conntrack entry is $age_after s old after the migration, was $age_before s ${SECONDS - began} s before: recreated, not carried over"
np_log "the long-lived flow's conntrack entry: $age_before s old before, $age_after s after"
sleep 2

np_log "shrinking below what conntrack holds is refused, the datapath keeps forwarding"
np_daemon_stop node-a TERM
sizes 1 1024
start_refused shrink "shrinking the pinned map np_conntrack_v2 from 8192 to 1 entries"
np_expect_tcp b 10.200.1.12 8080 c

np_log "a pinned datapath of another layout version is refused"
sizes 8192 1024
bpftool map update pinned "$MAPS/np_layout" key 0 0 0 0 value 99 0 0 0 || np_fail "cannot write np_layout"
start_refused layout "pinned datapath layout 99, this version needs layout 1"
np_expect_tcp b 10.200.1.12 8080 c
bpftool map update pinned "$MAPS/np_layout" key 0 0 0 0 value 1 0 0 0

np_log "a map of another value size (a new version's struct) is refused, nothing is unpinned"
# The running programs hold the old map; only its pin is swapped.
rm "$MAPS/np_affinity_v1"
bpftool map create "$MAPS/np_affinity_v1" type lru_hash key 24 value 20 entries 64 name np_affinity_v1 ||
  np_fail "cannot pin a stand-in np_affinity_v1"
conntrack_id=$(bpftool -j map show pinned "$MAPS/np_conntrack_v2" | jq .id)
start_refused value-size "the pinned map np_affinity_v1 has value size 20, this version needs 16"
[[ $(bpftool -j map show pinned "$MAPS/np_conntrack_v2" | jq .id) == "$conntrack_id" ]] ||
  np_fail "the refused start replaced np_conntrack_v2"
np_expect_tcp b 10.200.1.12 8080 c

np_probe_stop outside
np_probe_stop pod-a
np_probe_expect_clean outside 100
np_probe_expect_clean pod-a 100
np_log "PASS"
