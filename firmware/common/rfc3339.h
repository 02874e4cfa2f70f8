// RFC 3339 timestamps in UTC with millisecond precision, the form health
// answers and the CLI print: "2024-05-01T12:00:00.123Z".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace nodeplane {

std::string formatRfc3339Millis(std::chrono::system_clock::time_point time);

// Go's zero time.Time written as RFC 3339 (time.RFC3339Nano drops the zero
// fraction): what kube-proxy reports as lastUpdated before the first sync.
inline constexpr std::string_view kZeroTimeRfc3339 = "0001-01-01T00:00:00Z";

}  // namespace nodeplane
