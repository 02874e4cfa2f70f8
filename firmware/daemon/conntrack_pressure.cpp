#include "daemon/conntrack_pressure.h"

#include <cstdio>

namespace nodeplane::daemon {

namespace {

double percentOf(std::uint64_t entries, std::uint32_t capacity) {
    return capacity == 0 ? 0.0 : 100.0 * static_cast<double>(entries) / capacity;
}

std::string fillText(std::uint64_t entries, std::uint32_t capacity) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%.1f%% full (%llu of %u entries)", percentOf(entries, capacity),
                  static_cast<unsigned long long>(entries), capacity);
    return buf;
}

std::uint64_t toUsec(std::chrono::system_clock::time_point t) {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

}  // namespace

ConntrackPressureTracker::ConntrackPressureTracker(std::chrono::seconds interval) {
    pressure_.gcIntervalSeconds = toSeconds(interval);
    // Every state from the start, so scripts find each one at 0.
    for (std::size_t i = 0; i < kFlowStateCount; ++i)
        pressure_.agedOutByState.push_back({std::string(flowStateName(static_cast<FlowState>(i))), 0});
}

std::optional<PressureNotice> ConntrackPressureTracker::recordPass(const GcPassReport& report, std::uint32_t capacity,
                                                                   std::chrono::microseconds duration,
                                                                   std::chrono::system_clock::time_point endedAt) {
    const std::uint64_t remaining = std::min<std::uint64_t>(report.remaining(), UINT32_MAX);
    pressure_.entries = static_cast<std::uint32_t>(remaining);
    pressure_.capacity = capacity;
    ++pressure_.gcPasses;
    pressure_.lastGcUsec = toUsec(endedAt);
    pressure_.lastGcDurationUsec = static_cast<std::uint64_t>(duration.count());
    pressure_.lastGcError.clear();
    pressure_.agedOut += report.removed;
    pressure_.agedOutByState.clear();
    for (std::size_t i = 0; i < kFlowStateCount; ++i) {
        agedOutByState_[i] += report.removedByState[i];
        pressure_.agedOutByState.push_back(
            {std::string(flowStateName(static_cast<FlowState>(i))), agedOutByState_[i]});
    }

    const double fill = percentOf(remaining, capacity);
    if (!warned_ && fill > kConntrackWarnFillPercent) {
        warned_ = true;
        return PressureNotice{true, "Conntrack table " + fillText(remaining, capacity) +
                                        " after ageing: once full, the datapath evicts the least recently used "
                                        "flows, live ones too; raise [datapath] max-conntrack-entries or shorten "
                                        "the conntrack timeouts"};
    }
    if (warned_ && fill < kConntrackRearmFillPercent) {
        warned_ = false;
        return PressureNotice{false, "Conntrack table back to " + fillText(remaining, capacity)};
    }
    return std::nullopt;
}

void ConntrackPressureTracker::recordFailure(const std::string& why, std::chrono::microseconds duration,
                                             std::chrono::system_clock::time_point endedAt) {
    ++pressure_.gcPasses;
    pressure_.lastGcUsec = toUsec(endedAt);
    pressure_.lastGcDurationUsec = static_cast<std::uint64_t>(duration.count());
    pressure_.lastGcError = why;
}

}  // namespace nodeplane::daemon
