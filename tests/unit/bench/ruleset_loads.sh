#!/usr/bin/env bash
# iptables-restore accepts the generated kube-proxy-shaped ruleset and holds
# every dispatch rule; in a scratch network namespace, removed on exit.
set -euo pipefail
generator=$1
ns=np-ipt-$$
trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip netns add "$ns"
"$generator" 200 2 10.96.250.1:80=10.200.1.11:8080 | ip netns exec "$ns" iptables-restore
rules=$(ip netns exec "$ns" iptables -t nat -S KUBE-SERVICES | grep -c '^-A KUBE-SERVICES')
[[ $rules == 202 ]] || { echo "FAIL: KUBE-SERVICES holds $rules rules, expected 202 (200 + 1 real + nodeports)"; exit 1; }
nat=$(ip netns exec "$ns" iptables -t nat -S)
grep -q -- '--to-destination 10.200.1.11:8080' <<<"$nat" || { echo "FAIL: the real service's DNAT is missing"; exit 1; }
echo PASS
