#!/usr/bin/env bash
# The per-node rate limit of the policy action log: a burst of allowed,
# logged connections beyond max-records-per-second writes no more than the
# limit lets through, and every record held back is counted in the metrics.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
obs_setup plrate

obs_state false
obs_logging true false false false 5
np_daemon_start node-a
np_wait_health node-a "$HEALTHZ" 200

n=40
np_log "$n logged connections b -> a as fast as they go, limit 5 records/s"
start=$SECONDS
for _ in $(seq $n); do
  [[ $(obs_connect b 10.200.1.10) == a ]] || np_fail "b -> a was not answered"
done
elapsed=$((SECONDS - start + 1))
sleep 1
written=$(obs_records '.disposition == "allow"')
m_written=$(obs_metric nodeplane_policy_log_records_total)
m_dropped=$(obs_metric nodeplane_policy_log_records_dropped_total)
np_log "written $written (metric $m_written), dropped $m_dropped, in about ${elapsed}s"
(( written == m_written )) || np_fail "the file has $written records, the metric says $m_written"
(( written + m_dropped == n )) || np_fail "written $written + dropped $m_dropped != $n connections"
# A token bucket of 5/s with a burst of 5: at most 5 + 5 per elapsed second.
(( written <= 5 + 5 * elapsed )) || np_fail "$written records in ${elapsed}s exceed the limit"
(( m_dropped > 0 )) || np_fail "nothing was held back"
np_log "PASS"
