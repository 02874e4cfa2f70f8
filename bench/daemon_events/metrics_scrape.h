// The daemon's /metrics, read the way Prometheus reads it: one HTTP GET over
// TCP on the calling thread's network namespace, then single samples picked
// from the text by their full name (with labels, if any).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nodeplane::bench {

// The body of GET http://<host>:<port><path>. Throws std::runtime_error when
// nothing answers within a few seconds or the status is not 200.
std::string httpGet(const std::string& host, std::uint16_t port, const std::string& path);

// The value of the sample `name` (e.g. `nodeplane_events_read_total` or
// `nodeplane_map_entries{map="np_policy_v1"}`) in Prometheus text; nullopt
// when absent.
std::optional<double> sampleValue(std::string_view text, std::string_view name);

// What the benchmark reads before and after each run.
struct EventCounters {
    std::uint64_t read = 0;  // nodeplane_events_read_total
    std::uint64_t lost = 0;  // nodeplane_events_lost_total (the datapath's events_lost)
};
EventCounters scrapeEventCounters(const std::string& host, std::uint16_t port);

}  // namespace nodeplane::bench
