// Jittered exponential backoff between retries of one watcher: the delay
// doubles from `initial` up to `max`, and each delay is drawn uniformly from
// [half, whole] of that step so that many nodes restarting together with the
// API server do not reconnect in lockstep.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace nodeplane::kube {

class Backoff {
public:
    Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

    // The delay before the next retry; each call doubles the step (up to max).
    std::chrono::milliseconds next();
    // After a success: the next failure waits `initial` again.
    void reset() { step_ = initial_; }

private:
    std::chrono::milliseconds initial_, max_, step_;
    std::mt19937_64 random_;
};

}  // namespace nodeplane::kube
