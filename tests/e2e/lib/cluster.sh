# Two nodes on one shared network, each running the real daemon in its own
# namespace, for the cross-node end-to-end scripts: the cluster as data (nodes,
# pods, services) that the snapshot writer and the checks share, the
# snapshots each node sees, applying a change to chosen nodes and waiting for
# their daemons, and servers that say who answered and whom they saw. Source
# after lib/common.sh and np_init.
#
# Scripts add services with xn_service (extra keys such as
# 'type = "NodePort"' pass through), then xn_start_cluster; a change is made
# to the data and applied with xn_apply.
#   fabric 192.168.70.0/24: client .1, node-a .2, node-b .3
#   node-a podCIDR 10.244.1.0/24: a1 .10, a2 .11
#   node-b podCIDR 10.244.2.0/24: b1 .10, b2 .11
XN_CLIENT_IP=192.168.70.1
XN_NODES=(node-a node-b)  # the nodes that exist as namespaces
declare -A XN_NODE_IP=([node-a]=192.168.70.2 [node-b]=192.168.70.3)
declare -A XN_NODE_CIDR=([node-a]=10.244.1.0/24 [node-b]=10.244.2.0/24)
XN_PODS=(a1 a2 b1 b2)
declare -A XN_POD=(  # pod -> "node ip host-interface"
  [a1]="node-a 10.244.1.10 np-a1" [a2]="node-a 10.244.1.11 np-a2"
  [b1]="node-b 10.244.2.10 np-b1" [b2]="node-b 10.244.2.11 np-b2")
XN_LISTED=(node-a node-b)  # the nodes the snapshots list; a reload may change it
XN_SERVICES=()             # "name|cluster-ip|ports|backends|extra-toml"

# xn_pod_field <pod> node|ip|ifname
xn_pod_field() {
  local f; read -r -a f <<<"${XN_POD[$1]}"
  case $2 in node) echo "${f[0]}" ;; ip) echo "${f[1]}" ;; ifname) echo "${f[2]}" ;; esac
}
xn_pod_ip() { xn_pod_field "$1" ip; }

xn_listed() {
  local n
  for n in "${XN_LISTED[@]}"; do [[ $n == "$1" ]] && return 0; done
  return 1
}

# xn_service <name> <cluster-ip> <ports> <backends> [extra-toml]
#   ports:    space-separated "PROTO:port:targetPort[:nodePort]"
#   backends: space-separated pod names; a pod of an unlisted node is left out
#   extra:    more [[services]] keys, verbatim; separate them with a literal
#             \n (the entry is stored on one line)
xn_service() { XN_SERVICES+=("$1|$2|$3|$4|${5:-}"); }

# The [[services]] and [[endpointSlices]] of one xn_service entry. Port names
# are "<proto>-<port>" on both, so the slice's ports match the service's.
xn_service_toml() {
  local name cip ports backends extra
  IFS='|' read -r name cip ports backends extra <<<"$1"
  local svc_ports="" slice_ports="" p proto port target nodeport pname
  for p in $ports; do
    IFS=: read -r proto port target nodeport <<<"$p"
    pname="${proto,,}-$port"
    svc_ports+="${svc_ports:+, }{ name = \"$pname\", protocol = \"$proto\", port = $port, targetPort = $target"
    svc_ports+="${nodeport:+, nodePort = $nodeport} }"
    slice_ports+="${slice_ports:+, }{ name = \"$pname\", port = $target, protocol = \"$proto\" }"
  done
  printf '\n[[services]]\nnamespace = "e2e"\nname = "%s"\nclusterIPs = ["%s"]\nports = [%s]\n' \
    "$name" "$cip" "$svc_ports"
  if [[ -n $extra ]]; then printf '%b\n' "$extra"; fi
  printf '\n[[endpointSlices]]\nnamespace = "e2e"\nname = "%s-1"\nservice = "%s"\naddressType = "IPv4"\n' \
    "$name" "$name"
  printf 'ports = [%s]\nendpoints = [\n' "$slice_ports"
  local b node ip ifname
  for b in $backends; do
    read -r node ip ifname <<<"${XN_POD[$b]}"
    if ! xn_listed "$node"; then continue; fi
    printf '  { addresses = ["%s"], conditions = { ready = true }, nodeName = "%s", targetRef = { kind = "Pod", namespace = "e2e", name = "%s" } },\n' \
      "$ip" "$node" "$b"
  done
  printf ']\n'
}

xn_snapshot_file() { echo "$NP_WORK/$1-state.toml"; }

# xn_write_snapshot <node>: the cluster as <node> sees it: the same nodes,
# pods and services as every other node's, with `node` and the host-side
# interfaces of its own pods. Written whole, then renamed into place.
xn_write_snapshot() {
  local self=$1 file; file=$(xn_snapshot_file "$1")
  local node pod ip ifname svc
  {
    printf 'format = 1\nnode = "%s"\n' "$self"
    for node in "${XN_LISTED[@]}"; do
      printf '\n[[nodes]]\nname = "%s"\naddresses = ["%s"]\npodCIDRs = ["%s"]\n' \
        "$node" "${XN_NODE_IP[$node]}" "${XN_NODE_CIDR[$node]}"
    done
    printf '\n[[namespaces]]\nname = "e2e"\nlabels = { "kubernetes.io/metadata.name" = "e2e" }\n'
    for pod in "${XN_PODS[@]}"; do
      read -r node ip ifname <<<"${XN_POD[$pod]}"
      if ! xn_listed "$node"; then continue; fi  # a node's pods leave with it
      printf '\n[[pods]]\nnamespace = "e2e"\nname = "%s"\nnodeName = "%s"\npodIPs = ["%s"]\nlabels = { pod = "%s" }\n' \
        "$pod" "$node" "$ip" "$pod"
      if [[ $node == "$self" ]]; then printf 'interface = "%s"\n' "$ifname"; fi
    done
    for svc in "${XN_SERVICES[@]}"; do xn_service_toml "$svc"; done
  } > "$file.tmp"
  mv "$file.tmp" "$file"
}

# xn_write_snapshots: every real node's snapshot (each daemon reloads on its own).
xn_write_snapshots() {
  local node
  for node in "${XN_NODES[@]}"; do xn_write_snapshot "$node"; done
}

xn_healthz() { echo "http://${XN_NODE_IP[$1]}:10256/healthz"; }

# xn_build_cluster [member...]: the fabric (with the client and any extra
# "ns:ifname:ip/len" members), both nodes and their pods, each node's config
# and snapshot; no daemon yet, so a test can adjust a config first.
xn_build_cluster() {
  local node pod
  np_bridge fabric "client:eth0:$XN_CLIENT_IP/24" "$@"
  for node in "${XN_NODES[@]}"; do
    np_node "$node"
    np_bridge_join fabric "$node" eth0 "${XN_NODE_IP[$node]}/24"
  done
  for pod in "${XN_PODS[@]}"; do
    np_pod "$(xn_pod_field "$pod" node)" "$pod" "$(xn_pod_ip "$pod")" "$(xn_pod_field "$pod" ifname)"
  done
  xn_write_snapshots
  for node in "${XN_NODES[@]}"; do
    np_config "$node" "${XN_NODE_IP[$node]}" eth0 "$(xn_snapshot_file "$node")"
  done
}

# xn_start_daemons: every node's daemon, until each one serves.
xn_start_daemons() {
  local node
  for node in "${XN_NODES[@]}"; do np_daemon_start "$node"; done
  for node in "${XN_NODES[@]}"; do np_wait_health "$node" "$(xn_healthz "$node")" 200; done
}

# xn_start_cluster: xn_build_cluster, then both daemons serving.
xn_start_cluster() {
  xn_build_cluster
  xn_start_daemons
}

xn_wait_generation() {
  local node=$1 want=$2
  for _ in $(seq 100); do
    (( $(np_status_json "$node" .generation) >= want )) && return 0
    sleep 0.1
  done
  np_fail "$node did not apply generation $want (it is at $(np_status_json "$node" .generation))"
}

# xn_apply <node...>: rewrite those nodes' snapshots and wait until each
# daemon applied its new generation.
xn_apply() {
  local node
  declare -A before=()
  for node in "$@"; do before[$node]=$(np_status_json "$node" .generation); done
  for node in "$@"; do xn_write_snapshot "$node"; done
  for node in "$@"; do xn_wait_generation "$node" $(( ${before[$node]} + 1 )); done
}

# xn_route <node> <cidr>: the daemon's route for <cidr> ("proto 167"; `proto
# nodeplane` once /etc/iproute2/rt_protos.d names it), empty when none.
xn_route() { np_in "$1" ip -4 route show proto 167 exact "$2"; }

xn_expect_route() {
  local node=$1 cidr=$2 via=$3 got
  got=$(xn_route "$node" "$cidr")
  [[ "$got" == "$cidr via $via dev eth0"* ]] ||
    np_fail "$node: route for $cidr is '$got', expected '$cidr via $via dev eth0' (proto 167); table: $(np_in "$node" ip -4 route)"
}

xn_expect_no_route() {
  local got; got=$(xn_route "$1" "$2")
  [[ -z "$got" ]] || np_fail "$1: expected no route of ours for $2, found '$got'"
}

# xn_peer_server <ns> <port>: answers each TCP connection with the address it
# came from, so a client learns what source address arrived. `cat` drains the
# request (see xn_udp_server for why the command must read it).
xn_peer_server() {
  np_bg ip netns exec "$(np_ns "$1")" socat -T 5 TCP-LISTEN:"$2",reuseaddr,fork SYSTEM:'echo $SOCAT_PEERADDR; cat >/dev/null' 2>/dev/null
}

# xn_udp_server <ns> <port>: answers each datagram with the server's name.
# It reads the request before answering: a command that exits without reading
# (np_udp_server's bare `echo`) races socat's write of the request into it,
# and on EPIPE socat drops the answer too (about one exchange in five here).
xn_udp_server() {
  np_bg ip netns exec "$(np_ns "$1")" socat -T 2 UDP-LISTEN:"$2",reuseaddr,fork SYSTEM:"read -r _; echo $1" 2>/dev/null
}

# xn_udp_reply_source <from> <ip> <port>: "addr:port" a UDP reply came from,
# read by an unconnected socket (a connected one would discard a reply from
# any other source, hiding what arrived).
xn_udp_reply_source() {
  local out
  out=$(echo hello | np_in "$1" socat -d -d -T 2 - UDP-DATAGRAM:"$2":"$3" 2>&1 >/dev/null) || true
  sed -n 's/.*received packet with [0-9]* bytes from AF=2 \([0-9.]*:[0-9]*\).*/\1/p' <<<"$out" | head -n 1
}

# xn_service_drop <name>: the service leaves the data (xn_service it again
# with other ports, backends or keys, then xn_apply).
xn_service_drop() {
  local kept=() svc
  for svc in "${XN_SERVICES[@]}"; do [[ ${svc%%|*} == "$1" ]] || kept+=("$svc"); done
  XN_SERVICES=("${kept[@]}")
}

# xn_named_server <ns> <port>: answers each TCP connection with "<ns> <the
# address it came from>", then echoes what it is sent, for up to 20 s of
# silence, so one connection can stay open across a change.
xn_named_server() {
  np_bg ip netns exec "$(np_ns "$1")" socat -T 20 TCP-LISTEN:"$2",reuseaddr,fork SYSTEM:"echo $1 \$SOCAT_PEERADDR; cat" 2>/dev/null
}
