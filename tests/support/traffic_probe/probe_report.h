// What the probe counted for each target, and the JSON report made of it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "line_connection.h"
#include "probe_options.h"

namespace nodeplane::probe {

struct FailureRecord {
    std::chrono::system_clock::time_point at;
    Failure reason = Failure::Other;
    std::string detail;      // the socket error, or what was answered
    bool longLived = false;  // on the long-lived connection, not a new one
};

struct LongLivedStats {
    bool enabled = false;
    std::uint64_t opened = 0;     // 1 unless it broke and was opened again
    std::uint64_t exchanges = 0;  // lines sent and echoed in time
    std::uint64_t breaks = 0;
};

struct TargetStats {
    std::uint64_t attempts = 0;  // new connections that finished, either way
    std::uint64_t ok = 0;
    std::uint64_t failures = 0;  // new connections that failed
    std::map<std::string, std::uint64_t> answeredBy;  // the server's first line -> count
    LongLivedStats longLived;
    std::optional<FailureRecord> firstFailure;  // of new or long-lived connections
    std::optional<FailureRecord> lastFailure;
    std::vector<FailureRecord> failureLog;  // the first kFailureLogEntries
    std::map<Failure, std::uint64_t> byReason;

    void recordFailure(FailureRecord record);
};

inline constexpr std::size_t kFailureLogEntries = 50;

struct TargetReport {
    const Target* target = nullptr;
    const TargetStats* stats = nullptr;
};

// {"durationMs": .., "targets": {NAME: {...}}}; a long-lived connection
// "survived" when it never broke.
std::string renderReport(const std::vector<TargetReport>& targets, std::chrono::milliseconds duration);

}  // namespace nodeplane::probe
