#include "daemon/conntrack_gc_timer.h"

#include <spdlog/spdlog.h>

#include <cstring>

namespace nodeplane::daemon {

namespace {

// Passes need not be punctual: a second of slack lets the kernel batch the
// wake-up with others.
constexpr std::uint64_t kAccuracyUsec = 1'000'000;

std::uint64_t toUsec(std::chrono::seconds s) {
    return static_cast<std::uint64_t>(std::chrono::microseconds(s).count());
}

}  // namespace

ConntrackGcTimer::ConntrackGcTimer(ConntrackGcTables tables, const ConntrackGcSettings& settings)
    : tables_(tables), settings_(settings), tracker_(settings.interval) {}

Result<std::unique_ptr<ConntrackGcTimer>> ConntrackGcTimer::start(sd_event* loop, ConntrackGcTables tables,
                                                                  const ConntrackGcSettings& settings) {
    std::unique_ptr<ConntrackGcTimer> self(new ConntrackGcTimer(tables, settings));
    if (auto capacity = tables.conntrack.capacity()) self->tracker_.setCapacity(*capacity);
    sd_event_source* source = nullptr;
    int r = sd_event_add_time_relative(loop, &source, CLOCK_MONOTONIC, toUsec(settings.interval), kAccuracyUsec,
                                       &ConntrackGcTimer::onTimer, self.get());
    if (r < 0) return Error::fromErrno(r, "Failed to arm the conntrack ageing timer");
    self->timer_.reset(source);
    sd_event_source_set_description(source, "conntrack-gc");
    sd_event_source_set_priority(source, SD_EVENT_PRIORITY_IDLE);
    return self;
}

void ConntrackGcTimer::reconfigure(const ConntrackGcSettings& settings) {
    const bool newInterval = settings.interval != settings_.interval;
    settings_ = settings;
    tracker_.setInterval(settings.interval);
    if (newInterval) rearm();
}

void ConntrackGcTimer::rearm() {
    if (!timer_) return;
    int r = sd_event_source_set_time_relative(timer_.get(), toUsec(settings_.interval));
    if (r >= 0) r = sd_event_source_set_enabled(timer_.get(), SD_EVENT_ONESHOT);
    if (r < 0)
        spdlog::error("Failed to re-arm the conntrack ageing timer: {}; idle flows are no longer aged out",
                      std::strerror(-r));
}

int ConntrackGcTimer::onTimer(sd_event_source*, std::uint64_t, void* userdata) noexcept {
    auto* self = static_cast<ConntrackGcTimer*>(userdata);
    try {
        self->runPass();
    } catch (const std::exception& e) {
        spdlog::error("Conntrack ageing failed: {}", e.what());
    }
    self->rearm();
    return 0;
}

void ConntrackGcTimer::runPass() {
    using namespace std::chrono;
    const auto started = steady_clock::now();
    auto report = runConntrackGcPass(tables_, settings_.timeouts, monotonicNowNs, aged_);
    const auto took = duration_cast<microseconds>(steady_clock::now() - started);
    if (!report) {
        spdlog::warn("Conntrack ageing pass failed: {}, retrying in {} s", report.error().message,
                     settings_.interval.count());
        tracker_.recordFailure(report.error().message, took, system_clock::now());
        return;
    }
    auto capacity = tables_.conntrack.capacity();
    if (!capacity) spdlog::warn("{}, ignoring", capacity.error().message);
    auto notice = tracker_.recordPass(*report, capacity ? *capacity : tracker_.pressure().capacity, took,
                                      system_clock::now());
    if (notice && notice->warning) spdlog::warn("{}", notice->message);
    if (notice && !notice->warning) spdlog::info("{}", notice->message);
    if (report->removed)
        spdlog::debug("Conntrack ageing: {} of {} entries aged out in {} ms", report->removed, report->seen,
                      took.count() / 1000);
}

}  // namespace nodeplane::daemon
