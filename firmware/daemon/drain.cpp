#include "daemon/drain.h"

#include <algorithm>

namespace nodeplane::daemon {

std::string_view toString(DrainReason reason) {
    switch (reason) {
        case DrainReason::Manual: return "manual";
        case DrainReason::Stop: return "stop";
        case DrainReason::Shutdown: return "shutdown";
        case DrainReason::NodeDeleting: return "node-deleting";
        case DrainReason::NodeTainted: return "node-tainted";
    }
    return "unknown";
}

bool endsInExit(DrainReason reason) {
    return reason == DrainReason::Stop || reason == DrainReason::Shutdown || reason == DrainReason::NodeDeleting;
}

DrainController::Change DrainController::set(DrainReason reason, bool on, Clock::time_point now) {
    Change change;
    auto& slot = active_[static_cast<std::size_t>(reason)];
    if (slot == on) return change;
    slot = on;
    change.manualChanged = reason == DrainReason::Manual;
    const bool anyActive = std::any_of(active_.begin(), active_.end(), [](bool a) { return a; });
    if (anyActive && !since_) {
        since_ = now;
        change.drainingChanged = true;
    } else if (!anyActive && since_) {
        since_.reset();
        change.drainingChanged = true;
    }
    if (on && endsInExit(reason) && !exitAt_) {
        // Load balancers have seen the node down since since_: a node drained
        // by hand long enough ago exits at once, not drain-seconds later.
        exitAt_ = std::max(now, *since_ + drainSeconds_);
        change.exitArmed = true;
    }
    return change;
}

DrainController::Change DrainController::begin(DrainReason reason, Clock::time_point now) {
    return set(reason, true, now);
}

DrainController::Change DrainController::resumeManual(Clock::time_point since, Clock::time_point now) {
    if (has(DrainReason::Manual)) return {};
    const bool wasDraining = draining();
    Change change = set(DrainReason::Manual, true, now);
    if (!wasDraining) since_ = std::min(since, now);
    return change;
}

Result<DrainController::Change> DrainController::undrain() {
    if (exiting()) {
        std::string why;
        for (auto reason : reasons())
            if (endsInExit(reason)) why += (why.empty() ? "" : ", ") + std::string(toString(reason));
        return Error::logical("the daemon is draining to exit (" + why + "); undrain cannot cancel that");
    }
    // Nothing else ends by the clock, so `now` is not needed to clear.
    return set(DrainReason::Manual, false, Clock::time_point{});
}

DrainController::Change DrainController::nodeChanged(bool deleting, bool tainted, Clock::time_point now) {
    Change change;
    auto merge = [&change](const Change& c) {
        change.drainingChanged = change.drainingChanged != c.drainingChanged;
        change.exitArmed = change.exitArmed || c.exitArmed;
        change.manualChanged = change.manualChanged || c.manualChanged;
    };
    if (deleting) merge(set(DrainReason::NodeDeleting, true, now));
    merge(set(DrainReason::NodeTainted, tainted, now));
    return change;
}

std::vector<DrainReason> DrainController::reasons() const {
    std::vector<DrainReason> out;
    for (bool exiting : {true, false})
        for (std::size_t i = 0; i < kDrainReasonCount; ++i) {
            auto reason = static_cast<DrainReason>(i);
            if (active_[i] && endsInExit(reason) == exiting) out.push_back(reason);
        }
    return out;
}

std::optional<DrainController::Clock::time_point> DrainController::movedAwayAt() const {
    if (!since_) return std::nullopt;
    return *since_ + drainSeconds_;
}

std::string describeReasons(const std::vector<DrainReason>& reasons) {
    std::string out;
    for (auto reason : reasons) {
        if (!out.empty()) out += ", ";
        out += toString(reason);
    }
    return out;
}

}  // namespace nodeplane::daemon
