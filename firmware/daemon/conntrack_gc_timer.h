// Drives conntrack ageing from the daemon's sd-event loop: one pass every
// [datapath] conntrack-gc-interval, the next one armed when a pass ends (so
// a slow pass never overlaps the next), at idle priority (control calls,
// netlink and reloads go first).
#pragma once

#include <systemd/sd-event.h>

#include <chrono>
#include <memory>
#include <utility>

#include "common/event.h"
#include "common/result.h"
#include "daemon/conntrack_gc.h"
#include "daemon/conntrack_pressure.h"

namespace nodeplane::daemon {

struct ConntrackGcSettings {
    std::chrono::seconds interval{10};
    ConntrackTimeouts timeouts;

    bool operator==(const ConntrackGcSettings&) const = default;
};

class ConntrackGcTimer {
public:
    // The first pass runs one interval from now. `loop` and the tables must
    // outlive the timer.
    static Result<std::unique_ptr<ConntrackGcTimer>> start(sd_event* loop, ConntrackGcTables tables,
                                                           const ConntrackGcSettings& settings);
    ConntrackGcTimer(const ConntrackGcTimer&) = delete;
    ConntrackGcTimer& operator=(const ConntrackGcTimer&) = delete;

    // New timeouts apply from the next pass; a new interval counts from now.
    void reconfigure(const ConntrackGcSettings& settings);
    // One pass now, logged and counted like the timer's.
    void runPass();
    // The table was flushed on request.
    void recordFlush() { tracker_.recordFlush(); }
    // Hears of each flow a pass removes (AgedFlowObserver), from the next
    // pass on; an empty one stops it. Must not throw.
    void setAgedFlowObserver(AgedFlowObserver observer) { aged_ = std::move(observer); }

    const ConntrackGcSettings& settings() const { return settings_; }
    const bus::ConntrackPressure& pressure() const { return tracker_.pressure(); }

private:
    ConntrackGcTimer(ConntrackGcTables tables, const ConntrackGcSettings& settings);
    static int onTimer(sd_event_source* source, std::uint64_t usec, void* userdata) noexcept;
    void rearm();

    ConntrackGcTables tables_;
    ConntrackGcSettings settings_;
    ConntrackPressureTracker tracker_;
    AgedFlowObserver aged_;
    EventSourcePtr timer_;
};

}  // namespace nodeplane::daemon
