#include "scale/change_timing.h"

#include <time.h>

#include <algorithm>
#include <thread>

#include "scale/snapshot_file.h"

namespace nodeplane::bench {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollMicros = std::chrono::microseconds(100);
constexpr auto kChangeTimeout = std::chrono::seconds(120);

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// The daemon reports appliedUsec on the realtime clock.
std::uint64_t realtimeUsec() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

Result<ChangeTiming> timeSnapshotChange(bus::ControlClient& client, const std::string& file,
                                        const std::function<Result<bool>()>& mapsHold, const std::string& what) {
    auto before = client.status();
    if (!before) return before.error();
    const auto start = Clock::now();
    const std::uint64_t startUsec = realtimeUsec();
    if (auto ok = commitSnapshot(file); !ok) return ok.error();
    ChangeTiming timing;
    for (;;) {
        auto holds = mapsHold();
        if (!holds) return holds.error();
        if (*holds) break;
        if (Clock::now() - start > kChangeTimeout) return Error::logical("the maps did not show " + what);
        std::this_thread::sleep_for(kPollMicros);
    }
    timing.mapMs = ms(Clock::now() - start);
    // The daemon answers between events: while it reloads, this waits.
    for (;;) {
        auto after = client.status();
        if (!after) return after.error();
        if (after->generation > before->generation) {
            timing.appliedMs = (static_cast<double>(after->appliedUsec) - static_cast<double>(startUsec)) / 1000.0;
            return timing;
        }
        if (Clock::now() - start > kChangeTimeout)
            return Error::logical("the daemon did not report a new generation after " + what);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

double percentile(std::vector<double> samples, double p) {
    if (samples.empty()) return 0;
    std::sort(samples.begin(), samples.end());
    std::size_t rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(samples.size()) + 0.999999);
    return samples[std::clamp<std::size_t>(rank, 1, samples.size()) - 1];
}

LatencySummary summarize(const std::vector<double>& samples) {
    if (samples.empty()) return {};
    return {percentile(samples, 50), percentile(samples, 99), *std::max_element(samples.begin(), samples.end())};
}

}  // namespace nodeplane::bench
