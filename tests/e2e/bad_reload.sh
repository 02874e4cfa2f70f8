#!/usr/bin/env bash
# A bad snapshot (written in place, or announced with SIGHUP) is refused whole:
# the datapath keeps the last good state, traffic keeps flowing, health stays
# up, and the daemon says exactly what is wrong and where.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
np_init badrl

np_single_node_setup a b c
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B"
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200
np_expect_ping a 10.200.1.11 2
good_updated=$(np_last_updated node-a "$HEALTHZ")
good_generation=$(np_status_json node-a .generation)

np_log "continuous traffic a -> b while bad snapshots arrive"
np_bg ip netns exec "$(np_ns a)" ping -n -i 0.05 -W 1 -c 100 10.200.1.11 > "$NP_WORK/ping.out" 2>&1
ping_pid=$!

np_log "a snapshot that drops pod b and has a typo is refused whole"
np_snapshot "$SNAPSHOT.new" node-a $NODE_IP 10.200.1.0/24 "$POD_A"
sed -i 's/^podIPs = \["10.200.1.10"\]/podIPz = ["10.200.1.10"]/' "$SNAPSHOT.new"
typo_line=$(grep -n '^podIPz' "$SNAPSHOT.new" | cut -d: -f1)
mv "$SNAPSHOT.new" "$SNAPSHOT"
for _ in $(seq 50); do
  grep -q "refused" "$NP_WORK/node-a-daemon.log" && break
  sleep 0.1
done
grep -q "$SNAPSHOT:$typo_line:1: Pod e2e/a: key 'podIPz': unknown key" "$NP_WORK/node-a-daemon.log" \
  || np_fail "the log does not name $SNAPSHOT:$typo_line:1 Pod e2e/a key 'podIPz': $(grep -i refus "$NP_WORK/node-a-daemon.log")"
err=$(np_status_json node-a .lastError)
[[ "$err" == *"podIPz"* ]] || np_fail "nodeplanectl status lastError is '$err', expected the podIPz error"
[[ $(np_status_json node-a .generation) == "$good_generation" ]] || np_fail "the generation moved on a refused snapshot"
[[ $(np_last_updated node-a "$HEALTHZ") == "$good_updated" ]] || np_fail "lastUpdated moved on a refused snapshot"
[[ $(np_http_status node-a "$HEALTHZ") == 200 ]] || np_fail "/healthz is not 200 while serving the last good state"
np_in node-a ip route show 10.200.1.11/32 | grep -q 'dev np-b' || np_fail "pod b's route was removed by a refused snapshot"

np_log "SIGHUP with the same bad snapshot: refused again, nothing changes"
kill -HUP "$(np_daemon_pid node-a)"
sleep 0.5
[[ $(np_status_json node-a .generation) == "$good_generation" ]] || np_fail "the generation moved after SIGHUP on a bad snapshot"
kill -0 "$(np_daemon_pid node-a)" || np_fail "the daemon died on a bad snapshot"

wait "$ping_pid" || true
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$NP_WORK/ping.out")
[[ "$received" == 100 ]] || np_fail "continuous ping a -> b lost packets: $(tail -n 2 "$NP_WORK/ping.out")"

np_log "a good snapshot adding pod c is applied"
np_snapshot "$SNAPSHOT" node-a $NODE_IP 10.200.1.0/24 "$POD_A" "$POD_B" "$POD_C"
for _ in $(seq 50); do
  [[ $(np_last_updated node-a "$HEALTHZ") != "$good_updated" ]] && break
  sleep 0.1
done
[[ $(np_last_updated node-a "$HEALTHZ") != "$good_updated" ]] || np_fail "lastUpdated did not advance after a good snapshot"
(( $(np_status_json node-a .generation) > good_generation )) || np_fail "the generation did not advance"
[[ $(np_status_json node-a .lastError) == "" ]] || np_fail "lastError not cleared by a good snapshot"
np_expect_ping a 10.200.1.12 2

np_log "PASS"
