// The policy action log: decides which policy verdicts are recorded (GKE's
// NetworkLogging semantics), folds denials per connection over a window,
// caps the records per second, and hands each record to the sinks.
//
// The daemon feeds it every enriched PolicyVerdict with offer(), calls
// tick() from a 1 s timer so folded denials go out when their window ends,
// reconfigure() on reload, and flush() before it exits. Single-threaded,
// like the loop that owns it; nothing here blocks but the sinks' writes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "observe/flow_event.h"
#include "policylog/deny_aggregator.h"
#include "policylog/rate_limiter.h"
#include "policylog/record_sink.h"
#include "policylog/settings.h"

namespace nodeplane::policylog {

struct LoggerCounters {
    std::uint64_t recordsWritten = 0;     // records every sink took
    std::uint64_t recordsDropped = 0;     // refused by the per-node rate limit
    std::uint64_t writeErrors = 0;        // failed writes, one per sink and record
    std::uint64_t denialsOverflowed = 0;  // denials lost because too many keys were folding at once
};

class PolicyActionLogger {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Clock = std::function<TimePoint()>;
    using SinkFactory = std::function<std::vector<std::unique_ptr<RecordSink>>(const Settings&)>;

    // `clock` is monotonic (steady_clock::now in the daemon); `makeSinks`
    // builds the sinks for a configuration (makeDefaultSinks in the daemon).
    PolicyActionLogger(Settings settings, Clock clock, SinkFactory makeSinks);

    // One decoded, enriched event; anything but a PolicyVerdict is ignored.
    // `delegatedLoggingOn` is the delegation predicate for this flow, used
    // only when the matching action has delegate = true: for an allow, some
    // allowing policy has policy.network.gke.io/enable-logging: "true"; for
    // a denial, the namespace of the pod the policy protects (ingress: the
    // destination's, egress: the source's) has
    // policy.network.gke.io/enable-deny-logging: "true". Allows with no
    // allowing policy (flow.policies empty) are never logged.
    void offer(const observe::EnrichedFlow& flow, bool delegatedLoggingOn) noexcept;
    // Writes the folded denials whose window has ended by `now`.
    void tick(TimePoint now) noexcept;
    // Writes every folded denial now (before exit).
    void flush() noexcept;
    // Applies a reloaded configuration. Folded denials are written first
    // under the old one; sinks are rebuilt only when their keys changed.
    void reconfigure(Settings settings) noexcept;

    // Whether any verdict can be logged: the daemon may skip enrichment
    // work for the log while this is false.
    bool enabled() const { return settings_.logging.allow.log || settings_.logging.deny.log; }
    const LoggerCounters& counters() const { return counters_; }
    const Settings& settings() const { return settings_; }
    std::size_t pendingDenials() const { return denials_.pending(); }

private:
    bool wanted(const observe::EnrichedFlow& flow, bool delegatedLoggingOn) const;
    void emit(const observe::EnrichedFlow& flow, std::uint64_t count, TimePoint now);
    void emitAll(std::vector<DenyAggregate> aggregates, TimePoint now);
    void reportWriteError(const Error& error, TimePoint now);

    Settings settings_;
    Clock clock_;
    SinkFactory makeSinks_;
    std::vector<std::unique_ptr<RecordSink>> sinks_;
    RateLimiter limiter_;
    DenyAggregator denials_;
    LoggerCounters counters_;
    std::uint64_t droppedReported_ = 0;
    std::uint64_t errorsReported_ = 0;
    std::optional<TimePoint> lastDropReport_;
    std::optional<TimePoint> lastErrorReport_;
};

}  // namespace nodeplane::policylog
