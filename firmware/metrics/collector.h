// Everything /metrics shows, gathered at scrape time: the datapath's
// counters and map fill read through a DatapathSource, and the numbers the
// daemon keeps itself (DaemonMetrics), into one Prometheus text.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bus/node_status.h"
#include "metrics/datapath_source.h"
#include "metrics/latency_histogram.h"
#include "observe/flow_event.h"

namespace nodeplane::metrics {

// The name np_stats_v1's NP_STAT_EVENTS_LOST goes by (datapath::statName):
// shown as nodeplane_events_lost_total, not as a packet outcome.
inline constexpr std::string_view kEventsLostStat = "events_lost";

// Counted by the daemon as it goes; it owns one and updates it on the loop.
struct DaemonMetrics {
    LatencyHistogram applySeconds;  // one observation per state apply (snapshot or API change to datapath)
    // Policy verdict records read from the datapath, [direction][allowed].
    std::array<std::array<std::uint64_t, 2>, 2> policyVerdicts{};
    std::uint64_t logRecordsWritten = 0;  // policy action log records written
    std::uint64_t logRecordsDropped = 0;  // ... and dropped (rate limit, full disk)
    std::uint64_t eventsRead = 0;         // records taken from the ring buffer

    void countVerdict(observe::PolicyDirection direction, bool allowed) {
        ++policyVerdicts[direction == observe::PolicyDirection::Egress ? 1 : 0][allowed ? 1 : 0];
    }
};

// A pod or external interface the datapath counts, by the name it had.
struct InterfaceRef {
    int ifindex = 0;
    std::string name;
};

// What one scrape reads; every pointer may be null (a daemon without a
// datapath yet, or without the flow stream) and its families are left out.
struct MetricsInputs {
    const DatapathSource* datapath = nullptr;
    std::vector<InterfaceRef> interfaces;
    const bus::ConntrackPressure* conntrack = nullptr;
    const DaemonMetrics* daemon = nullptr;
    // The flow stream (flowstream::StreamServer): clients now, flows lost.
    std::optional<std::uint64_t> observeClients;
    std::optional<std::uint64_t> observeFlowsLost;
    // The API server as the state source; null with a snapshot source.
    const bus::StateFeedStatus* feed = nullptr;
};

// The whole answer to GET /metrics. A datapath read that fails leaves its
// families out and counts in nodeplane_metrics_collect_errors.
std::string renderMetrics(const MetricsInputs& inputs);

}  // namespace nodeplane::metrics
