#!/bin/bash
# The test API server against a real kubectl (${KUBECTL:-kubectl}) and curl:
# create from files, get back, chunked lists, kubectl's watch, the three ways
# to authenticate and three refusals, then the protocol details kubectl does
# not show: 410 after compaction, bookmarks, consistent continue tokens.
# Usage: kubectl.sh [DIR-OF-np-test-apiserver]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
support=${1:-$here/../../support/kube_apiserver}
KUBECTL=${KUBECTL:-kubectl}
tmp=$(mktemp -d /tmp/np-kube-kubectl.XXXXXX)
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- server log (tail)" >&2
  tail -n 20 "$tmp/server.log" >&2 || true
  exit 1
}
pass() { echo "ok: $*"; }
expect_eq() { # what expected actual
  [ "$2" == "$3" ] || fail "$1: expected '$2', got '$3'"
  pass "$1"
}
# json FILE EXPR: EXPR is Python over the document d.
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
# events FILE: "TYPE name rv" per watch event in FILE, whatever the layout
# (kubectl pretty-prints, the server writes one event a line).
events() {
  python3 - "$1" <<'PY'
import json, sys
text, pos, dec = open(sys.argv[1]).read(), 0, json.JSONDecoder()
while True:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos >= len(text):
        break
    ev, pos = dec.raw_decode(text, pos)
    meta = ev.get("object", {}).get("metadata", {})
    print(ev.get("type"), meta.get("name", "-"), meta.get("resourceVersion", "-"),
          ev.get("object", {}).get("code", "-"), ev.get("object", {}).get("reason", "-"))
PY
}
wait_for() { # description seconds command...
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds}s waiting for $what"
    sleep 0.1
  done
}

echo "kubectl: $("$KUBECTL" version --client 2>/dev/null | head -n1)"

# ---- server ------------------------------------------------------------------
pki=$tmp/pki
"$support/make-test-pki" "$pki" --node node-a
"$support/np-test-apiserver" --listen 127.0.0.1 --port 0 --port-file "$tmp/port" \
  --cert "$pki/server.crt" --key "$pki/server.key" --client-ca "$pki/ca.crt" \
  --tokens-file "$pki/tokens" --control 127.0.0.1:0 --control-port-file "$tmp/cport" \
  --bookmark-interval 0.5 >"$tmp/server.log" 2>&1 &
pids+=($!)
wait_for "the server's port files" 5 test -s "$tmp/port" -a -s "$tmp/cport"
port=$(cat "$tmp/port")
api=https://127.0.0.1:$port
ctl=http://127.0.0.1:$(cat "$tmp/cport")
"$support/make-test-pki" "$pki" --server "$api"
token=$(cat "$pki/token")

k() { "$KUBECTL" --kubeconfig "$pki/kubeconfig-cert" "$@"; }
kcurl() { curl -sS --cacert "$pki/ca.crt" -H "Authorization: Bearer $token" "$@"; }
control() { # METHOD PATH [BODY]
  curl -sSf -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} "$ctl$2"
}
server_rv() { control GET /state | python3 -c 'import json,sys; print(json.load(sys.stdin)["resourceVersion"])'; }

# ---- create from files and read back ------------------------------------------
cat >"$tmp/namespace.yaml" <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    team: payments
EOF
cat >"$tmp/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: web-0
  namespace: shop
  labels:
    app: web
spec:
  nodeName: node-a
  containers:
  - name: web
    image: registry.example/web:1
    ports:
    - containerPort: 8080
      name: http
EOF
cat >"$tmp/service.json" <<'EOF'
{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "web", "namespace": "shop"},
  "spec": {
    "type": "ClusterIP",
    "clusterIP": "10.96.0.10",
    "selector": {"app": "web"},
    "ports": [{"name": "http", "protocol": "TCP", "port": 80, "targetPort": "http"}]
  }
}
EOF
cat >"$tmp/endpointslice.yaml" <<'EOF'
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abcde
  namespace: shop
  labels:
    kubernetes.io/service-name: web
addressType: IPv4
endpoints:
- addresses: ["10.200.1.10"]
  conditions: {ready: true}
  nodeName: node-a
ports:
- name: http
  protocol: TCP
  port: 8080
EOF
# --validate=false: client-side validation needs /openapi, which this server
# does not serve.
for f in namespace.yaml pod.yaml service.json endpointslice.yaml; do
  out=$(k create --validate=false -f "$tmp/$f" 2>&1) || fail "kubectl create -f $f: $out"
  pass "kubectl create -f $f: $out"
done
if out=$(k create --validate=false -f "$tmp/pod.yaml" 2>&1); then
  fail "a second create of pod web-0 succeeded: $out"
fi
echo "$out" | grep -q 'already exists' || fail "second create: expected AlreadyExists, got: $out"
pass "a second create is refused: $out"

k get namespace shop -o json >"$tmp/ns.json"
k get pod web-0 -n shop -o json >"$tmp/pod.json"
k get service web -n shop -o json >"$tmp/svc.json"
k get endpointslice web-abcde -n shop -o json >"$tmp/eps.json"
expect_eq "namespace label from the server" shop \
  "$(json "$tmp/ns.json" 'd["metadata"]["labels"]["kubernetes.io/metadata.name"]')"
expect_eq "namespace phase" Active "$(json "$tmp/ns.json" 'd["status"]["phase"]')"
expect_eq "pod kind/apiVersion" "Pod v1" "$(json "$tmp/pod.json" 'd["kind"]+" "+d["apiVersion"]')"
expect_eq "pod namespace and node" "shop node-a" \
  "$(json "$tmp/pod.json" 'd["metadata"]["namespace"]+" "+d["spec"]["nodeName"]')"
expect_eq "pod container port" 8080 "$(json "$tmp/pod.json" 'd["spec"]["containers"][0]["ports"][0]["containerPort"]')"
expect_eq "pod starts Pending" Pending "$(json "$tmp/pod.json" 'd["status"]["phase"]')"
expect_eq "pod uid and creationTimestamp are filled" True \
  "$(json "$tmp/pod.json" 'len(d["metadata"]["uid"]) == 36 and d["metadata"]["creationTimestamp"].endswith("Z")')"
expect_eq "service port and clusterIP" "80 10.96.0.10" \
  "$(json "$tmp/svc.json" 'str(d["spec"]["ports"][0]["port"])+" "+d["spec"]["clusterIP"]')"
expect_eq "endpointslice apiVersion" discovery.k8s.io/v1 "$(json "$tmp/eps.json" 'd["apiVersion"]')"
expect_eq "endpointslice address" 10.200.1.10 "$(json "$tmp/eps.json" 'd["endpoints"][0]["addresses"][0]')"
rvs="$(json "$tmp/ns.json" 'd["metadata"]["resourceVersion"]') $(json "$tmp/pod.json" 'd["metadata"]["resourceVersion"]')"
rvs+=" $(json "$tmp/svc.json" 'd["metadata"]["resourceVersion"]') $(json "$tmp/eps.json" 'd["metadata"]["resourceVersion"]')"
expect_eq "resourceVersions increase in creation order" "1 2 3 4" "$rvs"

# ---- chunked list --------------------------------------------------------------
python3 - "$tmp/more-pods.json" <<'PY'
import json, sys
pods = [{"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": f"p-{i}", "namespace": "shop", "labels": {"app": "web"}},
         "spec": {"nodeName": "node-a", "containers": [{"name": "c", "image": "x"}]}}
        for i in range(1, 6)]
json.dump({"apiVersion": "v1", "kind": "List", "items": pods}, open(sys.argv[1], "w"))
PY
k create --validate=false -f "$tmp/more-pods.json" >/dev/null
control DELETE /requests >/dev/null
k get pods -n shop --chunk-size=2 -o json >"$tmp/chunked.json"
expect_eq "--chunk-size=2 lists every pod in key order" "p-1 p-2 p-3 p-4 p-5 web-0" \
  "$(json "$tmp/chunked.json" '" ".join(i["metadata"]["name"] for i in d["items"])')"
control GET /requests >"$tmp/requests.json"
expect_eq "pages requested (first + continues)" "1 2" \
  "$(json "$tmp/requests.json" '"%d %d" % (sum("/namespaces/shop/pods?limit=2" in r["path"] and "continue=" not in r["path"] for r in d["requests"]), sum("limit=2" in r["path"] and "continue=" in r["path"] for r in d["requests"]))')"

# ---- kubectl get --watch -------------------------------------------------------
"$KUBECTL" --kubeconfig "$pki/kubeconfig-cert" get pods -n shop --watch --output-watch-events \
  -o json >"$tmp/watch.out" 2>"$tmp/watch.err" &
watch_pid=$!
pids+=($watch_pid)
open_watches() { [ "$(control GET /state | python3 -c 'import json,sys; print(json.load(sys.stdin)["openWatches"])')" -ge 1 ]; }
wait_for "kubectl's watch to open" 15 open_watches
k run late --image=x --restart=Never -n shop >/dev/null 2>&1 ||
  kcurl -f -X POST -H 'Content-Type: application/json' "$api/api/v1/namespaces/shop/pods" \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"late"},"spec":{"containers":[{"name":"c","image":"x"}]}}' >/dev/null
k delete pod late -n shop >/dev/null
saw() { events "$tmp/watch.out" 2>/dev/null | grep -q "^$1 $2 "; }
wait_for "ADDED late in kubectl's watch" 10 saw ADDED late
wait_for "DELETED late in kubectl's watch" 10 saw DELETED late
pass "kubectl --watch printed ADDED and DELETED for pod late"
saw ADDED web-0 || fail "kubectl --watch did not list web-0 first: $(events "$tmp/watch.out")"
pass "kubectl --watch started with the existing pods"
kill "$watch_pid" 2>/dev/null || true

# ---- authentication ------------------------------------------------------------
whoami_via() { # kubeconfig -> the user the server saw
  control DELETE /requests >/dev/null
  "$KUBECTL" --kubeconfig "$1" get namespace shop -o name >"$tmp/out" 2>&1 || fail "$1: $(cat "$tmp/out")"
  expect_eq "$(basename "$1") reads namespace/shop" namespace/shop "$(cat "$tmp/out")" >&2
  control GET /requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][-1]["user"])'
}
expect_eq "client certificate authenticates as the node" system:node:node-a "$(whoami_via "$pki/kubeconfig-cert")"
expect_eq "inline bearer token authenticates" token-user "$(whoami_via "$pki/kubeconfig-token")"
expect_eq "tokenFile authenticates" token-user "$(whoami_via "$pki/kubeconfig-tokenfile")"

refused() { # what kubeconfig pattern
  if out=$("$KUBECTL" --kubeconfig "$2" get namespace shop -o name 2>&1); then
    fail "$1: kubectl succeeded: $out"
  fi
  echo "$out" | grep -q "$3" || fail "$1: expected '$3' in: $out"
  pass "$1 is refused: $(echo "$out" | tail -n1)"
}
refused "a server certificate from the wrong CA" "$pki/kubeconfig-wrong-ca" "x509"
sed -e "s#$pki/client\.#$pki/wrong-client.#" "$pki/kubeconfig-cert" >"$tmp/kubeconfig-wrong-client"
refused "a client certificate from the wrong CA" "$tmp/kubeconfig-wrong-client" "certificate\|tls\|EOF\|connection reset"
# kubectl prompts for a user name when a kubeconfig has no credentials at
# all, so its "none" is basic auth, which kube-apiserver dropped in 1.19;
# curl below sends no credentials at all.
sed -e 's#^    client-certificate: .*#    username: nobody\n    password: nothing#' \
    -e '/^    client-key:/d' "$pki/kubeconfig-cert" >"$tmp/kubeconfig-basic"
refused "basic auth (no credentials the server knows)" "$tmp/kubeconfig-basic" "Unauthorized"
code=$(curl -sS --cacert "$pki/ca.crt" -o "$tmp/anon.json" -w '%{http_code}' "$api/api/v1/pods")
expect_eq "no credentials over curl: 401 Status" "401 Unauthorized" "$code $(json "$tmp/anon.json" 'd["reason"]')"
control POST /tokens/expire "{\"token\":\"$token\"}" >/dev/null
refused "an expired token" "$pki/kubeconfig-token" "Unauthorized"
refused "an expired token read from tokenFile" "$pki/kubeconfig-tokenfile" "Unauthorized"
# Rotation: the server re-reads its tokens file, the client its tokenFile.
new_token=$(openssl rand -hex 24)
echo "$new_token" >"$pki/tokens.new" && mv "$pki/tokens.new" "$pki/tokens"
echo "$new_token" >"$pki/token"
expect_eq "a rotated tokenFile authenticates" token-user "$(whoami_via "$pki/kubeconfig-tokenfile")"
token=$new_token

# ---- watch from a resourceVersion, then after compaction -----------------------
rv0=$(server_rv)
k create --validate=false -f "$tmp/pod.yaml" --dry-run=client -o json |
  sed 's/"web-0"/"moving"/' >"$tmp/moving.json"
k create --validate=false -f "$tmp/moving.json" >/dev/null
k label pod moving -n shop tier=front >/dev/null
k delete pod moving -n shop --wait=false >/dev/null
kcurl -N -D "$tmp/headers" "$api/api/v1/namespaces/shop/pods?watch=1&resourceVersion=$rv0&timeoutSeconds=1" >"$tmp/from-rv.out"
grep -qi '^Transfer-Encoding: chunked' "$tmp/headers" || fail "watch is not chunked: $(cat "$tmp/headers")"
pass "watch responses are chunked"
expect_eq "watch from rv $rv0 replays exactly the later events" \
  "ADDED moving $((rv0 + 1)) - -|MODIFIED moving $((rv0 + 2)) - -|DELETED moving $((rv0 + 3)) - -" \
  "$(events "$tmp/from-rv.out" | paste -sd'|')"
expect_eq "the label reached the MODIFIED event" front \
  "$(head -n2 "$tmp/from-rv.out" | tail -n1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["object"]["metadata"]["labels"]["tier"])')"

control POST /compact >/dev/null
code=$(kcurl -N -o "$tmp/gone.out" -w '%{http_code}' "$api/api/v1/namespaces/shop/pods?watch=1&resourceVersion=$rv0&timeoutSeconds=5")
expect_eq "a watch from a compacted rv: HTTP 200, one ERROR 410 Expired event" \
  "200|ERROR - - 410 Expired" "$code|$(events "$tmp/gone.out" | paste -sd'|')"
now=$(server_rv)
kcurl -N "$api/api/v1/namespaces/shop/pods?watch=1&resourceVersion=$now&timeoutSeconds=1" >"$tmp/fresh.out"
expect_eq "a watch from the current rv after compaction has no ERROR" "" "$(events "$tmp/fresh.out")"

# ---- bookmarks -------------------------------------------------------------------
kcurl -N "$api/api/v1/namespaces/shop/pods?watch=1&resourceVersion=$now&allowWatchBookmarks=true&timeoutSeconds=2" >"$tmp/bookmarks.out"
expect_eq "allowWatchBookmarks brings a BOOKMARK at the current rv" "BOOKMARK - $now - -" \
  "$(events "$tmp/bookmarks.out" | sort -u)"
expect_eq "the bookmark names the kind" "Pod v1" \
  "$(head -n1 "$tmp/bookmarks.out" | python3 -c 'import json,sys; o=json.load(sys.stdin)["object"]; print(o["kind"], o["apiVersion"])')"
kcurl -N "$api/api/v1/namespaces/shop/pods?watch=1&resourceVersion=$now&timeoutSeconds=2" >"$tmp/no-bookmarks.out"
expect_eq "no bookmarks unless asked for" "" "$(events "$tmp/no-bookmarks.out")"

# ---- continue tokens are one consistent snapshot ---------------------------------
list() { kcurl -f "$api/api/v1/namespaces/shop/pods?limit=2${1:+&continue=$1}" >"$2"; }
list "" "$tmp/page1.json"
rv_first=$(json "$tmp/page1.json" 'd["metadata"]["resourceVersion"]')
token1=$(json "$tmp/page1.json" 'd["metadata"]["continue"]')
# Changes between pages: one pod that sorts first appears, the last one goes.
k run a-first --image=x --restart=Never -n shop >/dev/null 2>&1 ||
  kcurl -f -X POST -H 'Content-Type: application/json' "$api/api/v1/namespaces/shop/pods" \
    --data '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a-first"},"spec":{"containers":[{"name":"c","image":"x"}]}}' >/dev/null
k delete pod web-0 -n shop --wait=false >/dev/null
names=$(json "$tmp/page1.json" '" ".join(i["metadata"]["name"] for i in d["items"])')
pages_rv=$rv_first
next=$token1
page=1
while [ -n "$next" ]; do
  page=$((page + 1))
  list "$next" "$tmp/page$page.json"
  names+=" $(json "$tmp/page$page.json" '" ".join(i["metadata"]["name"] for i in d["items"])')"
  pages_rv+=" $(json "$tmp/page$page.json" 'd["metadata"]["resourceVersion"]')"
  next=$(json "$tmp/page$page.json" 'd["metadata"].get("continue", "")')
done
expect_eq "pages after changes still show the first page's snapshot" "p-1 p-2 p-3 p-4 p-5 web-0" "$names"
expect_eq "every page carries the first page's rv" "$rv_first $rv_first $rv_first" "$pages_rv"
kcurl -f "$api/api/v1/namespaces/shop/pods" >"$tmp/fresh-list.json"
expect_eq "a new list sees the changes" "a-first p-1 p-2 p-3 p-4 p-5" \
  "$(json "$tmp/fresh-list.json" '" ".join(i["metadata"]["name"] for i in d["items"])')"
expect_eq "list items carry no kind (as the real server)" "PodList False" \
  "$(json "$tmp/fresh-list.json" 'd["kind"] + " " + str("kind" in d["items"][0])')"
control POST /compact >/dev/null
code=$(kcurl -o "$tmp/expired.json" -w '%{http_code}' "$api/api/v1/namespaces/shop/pods?limit=2&continue=$token1")
expect_eq "a continue token older than the compaction: 410 Expired" "410 Expired" \
  "$code $(json "$tmp/expired.json" 'd["reason"]')"

# ---- an injected fault answers once, then the server is itself again -------------
control POST /faults '{"type":"error","code":500,"count":1,"path":"/namespaces/shop/pods"}' >/dev/null
code=$(kcurl -o "$tmp/fault.json" -w '%{http_code}' "$api/api/v1/namespaces/shop/pods")
expect_eq "injected 500" "500 InternalError" "$code $(json "$tmp/fault.json" 'd["reason"]')"
code=$(kcurl -o /dev/null -w '%{http_code}' "$api/api/v1/namespaces/shop/pods")
expect_eq "the fault was used up" 200 "$code"

echo "PASS: kube API server with $("$KUBECTL" version --client 2>/dev/null | head -n1)"
