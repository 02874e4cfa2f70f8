// Writes the last-known snapshot ([kubernetes] last-known) on a thread of
// its own: rendering a big cluster takes seconds (1.8 s at 50,000 pods),
// which the daemon's loop must not spend while changes and health checks
// wait. The newest model handed over wins; one not yet written when a newer
// one arrives is skipped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "state/model.h"

namespace nodeplane::daemon {

class LastKnownWriter {
public:
    explicit LastKnownWriter(std::string path);
    // Writes what is queued, then stops: the state in force at exit is saved.
    ~LastKnownWriter();

    // Queues `model` for writing, replacing one still queued.
    void submit(state::Model model);
    // CLOCK_REALTIME microseconds of the last successful write; 0: none yet.
    std::uint64_t savedUsec() const { return savedUsec_.load(); }

    LastKnownWriter(const LastKnownWriter&) = delete;
    LastKnownWriter& operator=(const LastKnownWriter&) = delete;

private:
    void run() noexcept;
    void write(const state::Model& model);

    std::string path_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::optional<state::Model> queued_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> savedUsec_{0};
    std::thread thread_;  // last: started once the members it uses exist
};

}  // namespace nodeplane::daemon
