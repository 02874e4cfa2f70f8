#include "policylog/policy_action_logger.h"

#include <spdlog/spdlog.h>

namespace nodeplane::policylog {
namespace {

// Warnings about drops and failing sinks come at most this often, with a
// count, so that a flood does not become a flood of warnings too.
constexpr std::chrono::seconds kReportInterval{60};

bool sinksChanged(const Settings& a, const Settings& b) {
    return a.logging.file != b.logging.file || a.logging.fileMaxBytes != b.logging.fileMaxBytes ||
           a.logging.fileBackups != b.logging.fileBackups || a.logging.journal != b.logging.journal;
}

bool due(const std::optional<PolicyActionLogger::TimePoint>& last, PolicyActionLogger::TimePoint now) {
    return !last || now - *last >= kReportInterval;
}

}  // namespace

PolicyActionLogger::PolicyActionLogger(Settings settings, Clock clock, SinkFactory makeSinks)
    : settings_(std::move(settings)),
      clock_(std::move(clock)),
      makeSinks_(std::move(makeSinks)),
      sinks_(makeSinks_(settings_)),
      limiter_(settings_.logging.maxRecordsPerSecond, clock_()),
      denials_(std::chrono::seconds(settings_.logging.denyAggregationSeconds)) {}

bool PolicyActionLogger::wanted(const observe::EnrichedFlow& flow, bool delegatedLoggingOn) const {
    if (flow.event.kind != observe::FlowEventKind::PolicyVerdict) return false;
    const auto& action = flow.event.allowed ? settings_.logging.allow : settings_.logging.deny;
    if (!action.log) return false;
    if (action.delegate && !delegatedLoggingOn) return false;
    // GKE logs allows that a policy decided; traffic of unisolated pods
    // (no policy selects them) is not a policy action.
    if (flow.event.allowed && flow.policies.empty()) return false;
    return true;
}

void PolicyActionLogger::offer(const observe::EnrichedFlow& flow, bool delegatedLoggingOn) noexcept {
    if (!wanted(flow, delegatedLoggingOn)) return;
    const TimePoint now = clock_();
    if (flow.event.allowed || settings_.logging.denyAggregationSeconds == 0) {
        emit(flow, 1, now);
        return;
    }
    std::vector<DenyAggregate> closed;
    if (!denials_.add(flow, now, closed)) ++counters_.denialsOverflowed;
    emitAll(std::move(closed), now);
}

void PolicyActionLogger::tick(TimePoint now) noexcept { emitAll(denials_.takeDue(now), now); }

void PolicyActionLogger::flush() noexcept { emitAll(denials_.takeAll(), clock_()); }

void PolicyActionLogger::reconfigure(Settings settings) noexcept {
    if (settings == settings_) return;
    flush();
    const TimePoint now = clock_();
    const bool rebuild = sinksChanged(settings_, settings);
    settings_ = std::move(settings);
    if (rebuild) sinks_ = makeSinks_(settings_);
    limiter_.setRate(settings_.logging.maxRecordsPerSecond, now);
    denials_.setWindow(std::chrono::seconds(settings_.logging.denyAggregationSeconds));
}

void PolicyActionLogger::emitAll(std::vector<DenyAggregate> aggregates, TimePoint now) {
    for (auto& aggregate : aggregates) emit(aggregate.first, aggregate.count, now);
}

void PolicyActionLogger::emit(const observe::EnrichedFlow& flow, std::uint64_t count, TimePoint now) {
    if (!limiter_.tryTake(now)) {
        ++counters_.recordsDropped;
        if (due(lastDropReport_, now)) {
            spdlog::warn("Policy action log is over its limit of {} records/s, dropped {} records",
                         settings_.logging.maxRecordsPerSecond, counters_.recordsDropped - droppedReported_);
            droppedReported_ = counters_.recordsDropped;
            lastDropReport_ = now;
        }
        return;
    }
    PolicyRecord record{flow, count, settings_.nodeName};
    const std::string json = recordJson(record);
    bool failed = false;
    for (auto& sink : sinks_) {
        Status written = sink->write(record, json, now);
        if (!written.ok()) {
            failed = true;
            ++counters_.writeErrors;
            reportWriteError(written.error(), now);
        }
    }
    if (!failed) ++counters_.recordsWritten;
}

void PolicyActionLogger::reportWriteError(const Error& error, TimePoint now) {
    if (!due(lastErrorReport_, now)) return;
    spdlog::warn("Failed to write the policy action log ({} failures): {}, ignoring",
                 counters_.writeErrors - errorsReported_, error.message);
    errorsReported_ = counters_.writeErrors;
    lastErrorReport_ = now;
}

}  // namespace nodeplane::policylog
