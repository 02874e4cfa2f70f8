// Drain (docs/operations.md, "Drain"): the daemon's side of DrainController.
// It turns the controller's changes into /healthz (through healthView), the
// marker file of a manual drain, the exit timer, sd_notify, and the logind
// shutdown lock; and feeds it signals, the control API, logind and the
// snapshot's own Node.
#include <spdlog/spdlog.h>

#include <cstring>

#include "compiler/desired_node.h"
#include "daemon/daemon.h"
#include "daemon/drain_marker.h"

namespace nodeplane::daemon {
namespace {

using SteadyClock = std::chrono::steady_clock;
using WallClock = std::chrono::system_clock;

std::uint64_t wallUsec(SteadyClock::time_point t) {
    // Steady times keep the drain immune to clock steps; status shows wall time.
    const auto wall = WallClock::now() - std::chrono::duration_cast<WallClock::duration>(SteadyClock::now() - t);
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch()).count());
}

}  // namespace

void Daemon::resumeManualDrain() {
    drain_.setDrainSeconds(std::chrono::seconds{config_.config.lifecycle.drainSeconds});
    const auto& path = config_.config.lifecycle.drainMarker;
    auto marker = readDrainMarker(path);
    if (!marker) {
        spdlog::warn("{}, starting undrained", marker.error().message);
        return;
    }
    if (!*marker) return;
    // Its age counts: load balancers have seen 503 since it was written.
    const auto age = std::chrono::duration_cast<SteadyClock::duration>(WallClock::now() - **marker);
    const auto now = SteadyClock::now();
    auto change = drain_.resumeManual(now - std::max(age, SteadyClock::duration::zero()), now);
    change.manualChanged = false;  // the marker is already there, with its time
    spdlog::info("Drained by hand before this start ({} exists): /healthz fails until `nodeplanectl undrain`",
                 path);
    (void)applyDrain(change, "manual drain");
}

Status Daemon::applyDrain(const DrainController::Change& change, const std::string& why) {
    Status persisted;
    if (change.manualChanged) {
        const auto& path = config_.config.lifecycle.drainMarker;
        persisted = drain_.has(DrainReason::Manual)
                        ? writeDrainMarker(path, "drained by `nodeplanectl drain`; `nodeplanectl undrain` ends it")
                        : removeDrainMarker(path);
        if (!persisted)
            spdlog::error("{}: a restart would not see this manual drain change", persisted.error().message);
    }
    // An exit armed with it is logged below, with its time.
    if (change.drainingChanged && !change.exitArmed) {
        if (drain_.draining())
            spdlog::info("{}: draining ({}): /healthz fails, forwarding continues", why,
                         describeReasons(drain_.reasons()));
        else
            spdlog::info("{}: no longer draining: /healthz follows the node's health again", why);
    }
    if (change.exitArmed) {
        // Exiting before READY=1 is a failed start to systemd, which
        // Restart=on-failure would answer by starting the daemon again into
        // the same drain (a Node deleting from the first snapshot on).
        if (!notifier_.readySent()) notifier_.ready(summary());
        phase_ = Phase::Draining;
        const auto left = std::max(*drain_.exitAt() - SteadyClock::now(), SteadyClock::duration::zero());
        const auto leftUsec = std::chrono::duration_cast<std::chrono::microseconds>(left).count();
        const auto seconds = std::chrono::ceil<std::chrono::seconds>(left).count();
        spdlog::info("{}: draining for {} s (/healthz fails, forwarding continues), then stopping", why, seconds);
        notifier_.stopping("draining for " + std::to_string(seconds) + " s (" + describeReasons(drain_.reasons()) +
                           ")");
        sd_event_source* src = nullptr;
        int r = sd_event_add_time_relative(loop_.get(), &src, CLOCK_MONOTONIC, static_cast<std::uint64_t>(leftUsec),
                                           0, &Daemon::onDrained, this);
        if (r < 0) {
            spdlog::error("Failed to arm the drain timer: {}, stopping now", std::strerror(-r));
            phase_ = Phase::Stopping;
            sd_event_exit(loop_.get(), exitCode_);
        } else {
            drainTimer_.reset(src);
        }
    } else if (change.drainingChanged && !drain_.exiting()) {
        notifier_.status(summary() + (drain_.draining() ? ", drained (" + describeReasons(drain_.reasons()) + ")"
                                                        : std::string()));
    }
    return persisted;
}

void Daemon::updateNodeDrain(const state::Model& model) {
    // No Node object for us: eligible, as kube-proxy treats a missing Node.
    const state::Node* self = model.thisNode();
    const bool deleting = self && self->deleting;
    // compiler::nodeEligible is false for a deletionTimestamp or the
    // autoscaler's ToBeDeletedByClusterAutoscaler taint; with deleting known,
    // what is left is the taint.
    const bool tainted = self && !self->deleting && !compiler::nodeEligible(*self);
    auto change = drain_.nodeChanged(deleting, tainted, SteadyClock::now());
    if (!change.any()) return;
    (void)applyDrain(change, deleting ? "Node " + config_.config.node.name + " is being deleted"
                                      : "Node " + config_.config.node.name + (tainted ? " tainted" : " untainted") +
                                            " ToBeDeletedByClusterAutoscaler");
}

void Daemon::startShutdownInhibitor() {
    const auto& lifecycle = config_.config.lifecycle;
    if (!lifecycle.shutdownInhibitor) {
        spdlog::info("No shutdown inhibitor ([lifecycle] shutdown-inhibitor = false): a shutdown does not drain");
        return;
    }
    auto inhibitor = ShutdownInhibitor::take(
        loop_.get(), "Draining: /healthz fails so load balancers move away before forwarding stops",
        [this] { onShutdownAnnounced(); });
    if (!inhibitor) {
        // Containers, tests, nodes without logind: the daemon runs on.
        spdlog::warn("No shutdown inhibitor lock: {}; a system shutdown will not drain first, ignoring",
                     inhibitor.error().message);
        return;
    }
    shutdownInhibitor_ = std::move(inhibitor).value();
    const auto drain = std::chrono::seconds{lifecycle.drainSeconds};
    if (auto max = shutdownInhibitor_->maxDelay(); max && *max < drain)
        spdlog::warn("logind's InhibitDelayMaxSec is {} s, shorter than [lifecycle] drain-seconds ({} s): a "
                     "shutdown cuts the drain short (ship /etc/systemd/logind.conf.d/nodeplane.conf)",
                     std::chrono::duration_cast<std::chrono::seconds>(*max).count(), drain.count());
    spdlog::info("Holding a logind delay lock for shutdown: a shutdown drains for {} s first", drain.count());
}

void Daemon::onShutdownAnnounced() {
    (void)applyDrain(drain_.begin(DrainReason::Shutdown, SteadyClock::now()), "logind: system shutdown");
}

int Daemon::onDrained(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<Daemon*>(userdata);
    self->phase_ = Phase::Stopping;
    spdlog::info("Drained ({}); stopping. The pinned datapath keeps forwarding.",
                 describeReasons(self->drain_.reasons()));
    if (self->shutdownInhibitor_) {
        // Last: the shutdown goes on once this fd closes.
        self->shutdownInhibitor_->release();
        spdlog::info("Released the shutdown delay lock");
    }
    sd_event_exit(self->loop_.get(), self->exitCode_);
    return 0;
}

bus::DrainStatus Daemon::drainStatus() const {
    bus::DrainStatus s;
    s.draining = drain_.draining();
    s.exiting = drain_.exiting();
    for (auto reason : drain_.reasons()) s.reasons.emplace_back(toString(reason));
    s.drainSeconds = static_cast<std::uint32_t>(drain_.drainSeconds().count());
    if (auto since = drain_.since()) s.sinceUsec = wallUsec(*since);
    if (auto movedAway = drain_.movedAwayAt()) s.movedAwayUsec = wallUsec(*movedAway);
    return s;
}

Result<bus::DrainOutcome> Daemon::drain() {
    const bool already = drain_.has(DrainReason::Manual);
    auto persisted = applyDrain(drain_.begin(DrainReason::Manual, SteadyClock::now()), "nodeplanectl drain");
    std::string message = already ? "Already drained by hand."
                                  : "Drained: /healthz answers 503, forwarding continues, the daemon keeps running "
                                    "(also across restarts) until `nodeplanectl undrain`.";
    if (!persisted) message += " But " + persisted.error().message + ": a restart would end the drain.";
    return bus::DrainOutcome{message, drainStatus()};
}

Result<bus::DrainOutcome> Daemon::undrain() {
    auto change = drain_.undrain();
    if (!change) {
        spdlog::info("nodeplanectl undrain refused: {}", change.error().message);
        return change.error();
    }
    auto persisted = applyDrain(*change, "nodeplanectl undrain");
    std::string message;
    if (!change->manualChanged)
        message = "Not drained by hand: nothing to undo.";
    else if (drain_.draining())
        message = "Manual drain ended; still draining (" + describeReasons(drain_.reasons()) + ").";
    else
        message = "Undrained: /healthz follows the node's health again.";
    if (!persisted) message += " But " + persisted.error().message + ": a restart would drain again.";
    return bus::DrainOutcome{message, drainStatus()};
}

}  // namespace nodeplane::daemon
