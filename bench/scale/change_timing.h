// Timing one snapshot change against the running daemon, for the latency
// benchmarks (reload-latency, policy-change-latency): the staged file is
// renamed into place, the datapath's pinned maps are polled until they hold
// the change, then the daemon is asked until it reports the new generation,
// so changes never overlap. Percentiles are nearest-rank.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bus/control_client.h"
#include "common/result.h"

namespace nodeplane::bench {

struct ChangeTiming {
    double mapMs = 0;      // rename -> the maps hold the change
    double appliedMs = 0;  // rename -> the generation's appliedUsec (the whole reload)
};

// Commits `file` (staged with stageSnapshot) and times it. `mapsHold` is
// polled every 100 us: true once the maps show the change, an error to stop.
// `what` names the change in timeout errors.
Result<ChangeTiming> timeSnapshotChange(bus::ControlClient& client, const std::string& file,
                                        const std::function<Result<bool>()>& mapsHold, const std::string& what);

// The smallest sample with at least p% of the samples at or below it.
double percentile(std::vector<double> samples, double p);

struct LatencySummary {
    double p50 = 0, p99 = 0, max = 0;
};
LatencySummary summarize(const std::vector<double>& samples);

}  // namespace nodeplane::bench
