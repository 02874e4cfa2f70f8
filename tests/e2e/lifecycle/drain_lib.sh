# Shared by the drain scripts (drain_*.sh): one node, pod a probing pod b
# through the datapath, and the [lifecycle] keys a drain test needs.
# Source after ../lib/common.sh and ../lib/probe.sh.

# drain_setup <drain-seconds> [shutdown-inhibitor]: node-a with pods a and b,
# an echo server in b, a snapshot; the marker goes into the test's own dir.
drain_setup() {
  local seconds=$1 inhibitor=${2:-false}
  np_single_node_setup a b
  DRAIN_MARKER=$NP_WORK/node-a/drained
  CONFIG=$NP_WORK/node-a/nodeplane.toml
  # Whatever np_config wrote for these keys gives way to ours.
  sed -i -e '/^drain-marker = /d' -e '/^shutdown-inhibitor = /d' \
    -e "s|^drain-seconds = .*|drain-seconds = $seconds\ndrain-marker = \"$DRAIN_MARKER\"\nshutdown-inhibitor = $inhibitor|" \
    "$CONFIG"
  grep -q "^drain-marker = \"$DRAIN_MARKER\"" "$CONFIG" || np_fail "the drain keys are not in $CONFIG"
  np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
  # np-traffic-probe's protocol: the server names itself, then echoes.
  np_bg ip netns exec "$(np_ns b)" socat -T 30 TCP-LISTEN:8080,reuseaddr,fork SYSTEM:"echo b; cat" 2>/dev/null
  np_wait_listen b 8080
}

# drain_node_state <extra line...>: the snapshot again, with lines added to
# node-a's [[nodes]] table ("deleting = true", "taints = [...]").
drain_node_state() {
  np_snapshot "$SNAPSHOT.base" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
  local line
  for line in "$@"; do sed -i "/^podCIDRs = /a $line" "$SNAPSHOT.base"; done
  mv "$SNAPSHOT.base" "$SNAPSHOT"
}

# drain_healthz_within <status> <ms>: /healthz answers <status> within <ms>
# milliseconds, measured from now.
drain_healthz_within() {
  local want=$1 limit=$2 start got
  start=$(date +%s%3N)
  while :; do
    got=$(np_http_status node-a "$HEALTHZ")
    [[ $got == "$want" ]] && break
    (( $(date +%s%3N) - start <= limit )) || np_fail "/healthz answered $got, expected $want within $limit ms"
    sleep 0.05
  done
  np_log "/healthz $want after $(( $(date +%s%3N) - start )) ms"
}

drain_field() { np_status_json node-a ".drain.$1"; }
