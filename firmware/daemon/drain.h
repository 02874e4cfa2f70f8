// Why the node drains and when the daemon exits (issue 6, docs/operations.md
// "Drain"): pure logic, driven by the daemon's signals, the control API,
// logind and the snapshot's own Node. While any reason holds, /healthz is
// 503 and forwarding continues; the reasons that end in an exit (stop,
// shutdown, node deleting) make the daemon exit drain-seconds after the node
// first turned unhealthy.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace nodeplane::daemon {

enum class DrainReason : std::size_t {
    Manual,        // nodeplanectl drain; reversed by undrain; survives a restart (marker file)
    Stop,          // SIGTERM/SIGINT: systemctl stop, restart, upgrade
    Shutdown,      // logind PrepareForShutdown(true)
    NodeDeleting,  // the Node has metadata.deletionTimestamp: irreversible
    NodeTainted,   // ToBeDeletedByClusterAutoscaler: lasts as long as the taint
};
inline constexpr std::size_t kDrainReasonCount = 5;

// "manual", "stop", "shutdown", "node-deleting", "node-tainted"
std::string_view toString(DrainReason reason);
// Stop, Shutdown and NodeDeleting end in the daemon's exit.
bool endsInExit(DrainReason reason);

class DrainController {
public:
    using Clock = std::chrono::steady_clock;

    // What one event changed, for the daemon to act on.
    struct Change {
        bool drainingChanged = false;  // draining() flipped: /healthz flips with it
        bool exitArmed = false;        // the first exiting reason: exit at exitAt()
        bool manualChanged = false;    // the marker file must be written or removed
        bool any() const { return drainingChanged || exitArmed || manualChanged; }
    };

    // `drainSeconds`: how long load balancers get to see the node down.
    explicit DrainController(std::chrono::seconds drainSeconds) : drainSeconds_(drainSeconds) {}

    // Adds a reason (again: nothing changes). `now` starts the drain clock
    // when the node was healthy until now.
    Change begin(DrainReason reason, Clock::time_point now);
    // A manual drain carried over from before a restart, begun at `since`
    // (the marker's age; never later than `now`).
    Change resumeManual(Clock::time_point since, Clock::time_point now);
    // Reverses a manual drain. Refused while the daemon is on its way out
    // (an undrain cannot cancel a stop); nothing to do when not drained by hand.
    Result<Change> undrain();
    // The snapshot's own Node: deleting is sticky (a deletionTimestamp is
    // never taken back), the taint comes and goes with the autoscaler.
    Change nodeChanged(bool deleting, bool tainted, Clock::time_point now);

    // Reload: applies to drains begun later; an armed exit keeps its time.
    void setDrainSeconds(std::chrono::seconds drainSeconds) { drainSeconds_ = drainSeconds; }
    std::chrono::seconds drainSeconds() const { return drainSeconds_; }

    bool draining() const { return since_.has_value(); }
    bool exiting() const { return exitAt_.has_value(); }
    bool has(DrainReason reason) const { return active_[static_cast<std::size_t>(reason)]; }
    // The active reasons, exiting ones first, then in enum order.
    std::vector<DrainReason> reasons() const;
    // When the node turned unhealthy, continuously so since then.
    std::optional<Clock::time_point> since() const { return since_; }
    // When load balancers should have moved away: since() + drain-seconds.
    std::optional<Clock::time_point> movedAwayAt() const;
    // When the daemon exits; set once by the first exiting reason.
    std::optional<Clock::time_point> exitAt() const { return exitAt_; }

private:
    Change set(DrainReason reason, bool on, Clock::time_point now);

    std::chrono::seconds drainSeconds_;
    std::array<bool, kDrainReasonCount> active_{};
    std::optional<Clock::time_point> since_;
    std::optional<Clock::time_point> exitAt_;
};

// "manual, node-tainted"
std::string describeReasons(const std::vector<DrainReason>& reasons);

}  // namespace nodeplane::daemon
