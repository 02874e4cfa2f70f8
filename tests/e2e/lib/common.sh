# Entry point for every end-to-end script: sources the libraries and builds the
# single-node topology most tests start from.
#   node-a: eth0 192.168.50.2/24 <-> client 192.168.50.1/24
#   pods:   a 10.200.1.10 (np-a), b 10.200.1.11 (np-b)
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$lib_dir/topology.sh"
source "$lib_dir/daemon.sh"
source "$lib_dir/traffic.sh"

NODE_IP=192.168.50.2
HEALTHZ=http://$NODE_IP:10256/healthz
LIVEZ=http://$NODE_IP:10256/livez

# np_snapshot <file> <node> <node-ip> <pod-cidr> [pod-spec...]
# pod-spec: "<name>:<ip>:<interface>"; every pod is in namespace "e2e" on <node>.
np_snapshot() {
  local file=$1 node=$2 node_ip=$3 cidr=$4; shift 4
  {
    echo "format = 1"
    echo "node = \"$node\""
    echo
    echo "[[nodes]]"
    echo "name = \"$node\""
    echo "addresses = [\"$node_ip\"]"
    echo "podCIDRs = [\"$cidr\"]"
    echo
    echo "[[namespaces]]"
    echo "name = \"e2e\""
    echo "labels = { \"kubernetes.io/metadata.name\" = \"e2e\" }"
    local spec name ip ifname
    for spec in "$@"; do
      IFS=: read -r name ip ifname <<<"$spec"
      echo
      echo "[[pods]]"
      echo "namespace = \"e2e\""
      echo "name = \"$name\""
      echo "nodeName = \"$node\""
      echo "podIPs = [\"$ip\"]"
      echo "labels = { pod = \"$name\" }"
      echo "interface = \"$ifname\""
    done
  } > "$file.tmp"
  mv "$file.tmp" "$file"
}

# np_single_node_setup [pods...]: node-a with the external client and the
# given pods ("a" and/or "b"), config written, daemon not started.
np_single_node_setup() {
  np_node node-a
  np_link_external node-a eth0 $NODE_IP/24 client 192.168.50.1/24
  for p in "$@"; do
    case $p in
      a) np_pod node-a a 10.200.1.10 np-a ;;
      b) np_pod node-a b 10.200.1.11 np-b ;;
      c) np_pod node-a c 10.200.1.12 np-c ;;
    esac
  done
  SNAPSHOT=$NP_WORK/node-a-state.toml
  np_config node-a $NODE_IP eth0 "$SNAPSHOT"
}

POD_A=a:10.200.1.10:np-a
POD_B=b:10.200.1.11:np-b
POD_C=c:10.200.1.12:np-c

# np_stat <node> <counter>: a datapath global counter from nodeplanectl.
np_stat() { np_status_json "$1" ".stats[] | select(.name == \"$2\") | .value"; }

# np_iface <node> <ifname> <field>: one interface's field from nodeplanectl.
np_iface() { np_status_json "$1" ".interfaces[] | select(.name == \"$2\") | .$3"; }
