// The conntrack pressure counters the daemon keeps across ageing passes, for
// GetStatus and `nodeplanectl status`, and when to warn about a filling
// table. Pure: the timer feeds it pass reports and clock readings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "bus/node_status.h"
#include "daemon/conntrack_gc.h"

namespace nodeplane::daemon {

// Above this fill the datapath's LRU map is close to evicting live flows.
inline constexpr double kConntrackWarnFillPercent = 90.0;
// Back under this, the next crossing warns again (and not a flapping table
// at every pass).
inline constexpr double kConntrackRearmFillPercent = 85.0;

// A line for the log after a pass, at the level it deserves.
struct PressureNotice {
    bool warning = false;  // warn when true, info when false
    std::string message;
};

class ConntrackPressureTracker {
public:
    explicit ConntrackPressureTracker(std::chrono::seconds interval);

    void setInterval(std::chrono::seconds interval) { pressure_.gcIntervalSeconds = toSeconds(interval); }
    void setCapacity(std::uint32_t capacity) { pressure_.capacity = capacity; }

    // A finished pass: what it removed, the table's capacity, how long it
    // took, and when it ended (CLOCK_REALTIME). A notice when the fill
    // crossed kConntrackWarnFillPercent upwards, or fell back under
    // kConntrackRearmFillPercent after a warning.
    std::optional<PressureNotice> recordPass(const GcPassReport& report, std::uint32_t capacity,
                                             std::chrono::microseconds duration,
                                             std::chrono::system_clock::time_point endedAt);
    // A pass that failed: counted, and its reason kept for the status.
    void recordFailure(const std::string& why, std::chrono::microseconds duration,
                       std::chrono::system_clock::time_point endedAt);
    // The table was emptied on request (FlushConntrack).
    void recordFlush() { pressure_.entries = 0; }

    const bus::ConntrackPressure& pressure() const { return pressure_; }
    bool warned() const { return warned_; }

private:
    static std::uint32_t toSeconds(std::chrono::seconds s) { return static_cast<std::uint32_t>(s.count()); }

    bus::ConntrackPressure pressure_;
    std::array<std::uint64_t, kFlowStateCount> agedOutByState_{};
    bool warned_ = false;
};

}  // namespace nodeplane::daemon
