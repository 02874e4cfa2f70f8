# Real traffic between test namespaces: ICMP, TCP and UDP with socat.
# Every check prints what was expected and what happened.

# np_ping <from-ns> <ip> [count]
np_ping() {
  local from=$1 ip=$2 count=${3:-3}
  np_in "$from" ping -n -q -c "$count" -i 0.2 -W 1 "$ip" >/dev/null 2>&1
}

np_expect_ping() {
  np_ping "$@" || np_fail "ping from $1 to $2 failed, expected replies"
}

np_expect_no_ping() {
  ! np_ping "$1" "$2" 2 || np_fail "ping from $1 to $2 got replies, expected none"
}

# np_tcp_server <ns> <port>: echoes each connection's input, prefixed by the
# server's name so the client knows who answered.
np_tcp_server() {
  local ns=$1 port=$2
  np_bg ip netns exec "$(np_ns "$ns")" socat -T 5 TCP-LISTEN:"$port",reuseaddr,fork SYSTEM:"echo $ns; cat" 2>/dev/null
}

np_udp_server() {
  local ns=$1 port=$2
  # Read the request before answering: a child that exits first makes
  # socat's write of the request fail, and the answer is lost with it.
  np_bg ip netns exec "$(np_ns "$ns")" socat -T 2 UDP-LISTEN:"$port",reuseaddr,fork SYSTEM:"read -r _; echo $ns" 2>/dev/null
}

# np_wait_listen <ns> <port>
np_wait_listen() {
  local ns=$1 port=$2
  for _ in $(seq 50); do
    np_in "$ns" ss -Hltn "sport = :$port" | grep -q . && return 0
    np_in "$ns" ss -Hlun "sport = :$port" | grep -q . && return 0
    sleep 0.1
  done
  np_fail "nothing listens on $ns:$port"
}

# np_tcp_request <from> <ip> <port>: prints the answering server's name.
np_tcp_request() {
  local from=$1 ip=$2 port=$3
  { echo hello | np_in "$from" socat -T 2 - TCP:"$ip":"$port",connect-timeout=2 2>/dev/null | head -n 1; } || true
}

np_udp_request() {
  local from=$1 ip=$2 port=$3
  { echo hello | np_in "$from" socat -T 2 - UDP:"$ip":"$port" 2>/dev/null | head -n 1; } || true
}

np_expect_tcp() {
  local from=$1 ip=$2 port=$3 want=$4
  local got; got=$(np_tcp_request "$from" "$ip" "$port")
  [[ "$got" == "$want" ]] || np_fail "TCP $from -> $ip:$port answered by '$got', expected '$want'"
}

np_expect_udp() {
  local from=$1 ip=$2 port=$3 want=$4
  local got; got=$(np_udp_request "$from" "$ip" "$port")
  [[ "$got" == "$want" ]] || np_fail "UDP $from -> $ip:$port answered by '$got', expected '$want'"
}
