// The traffic against one target: a new connection every 1/rate seconds,
// each sending one line and expecting the echo server's answer (its name,
// then the line back), and optionally one long-lived connection exchanging a
// line every kLongLivedIntervalMs. A denied target inverts the check: every
// connection must fail to establish. Everything is non-blocking; the caller
// owns the poll().
#pragma once

#include <poll.h>

#include <chrono>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "line_connection.h"
#include "probe_options.h"
#include "probe_report.h"

namespace nodeplane::probe {

using Clock = std::chrono::steady_clock;

inline constexpr std::chrono::milliseconds kLongLivedInterval{100};

class TargetProbe {
public:
    TargetProbe(const Target& target, const ProbeOptions& options, Clock::time_point start);

    // Appends a pollfd for each open connection.
    void collect(std::vector<pollfd>& fds) const;
    // Hands each connection what poll reported for its fd.
    void onReady(const std::unordered_map<int, short>& revents, Clock::time_point now);
    // Starts connections that are due, sends long-lived lines, times out.
    void tick(Clock::time_point now);
    // When tick() next has something to do.
    Clock::time_point nextDeadline() const;
    // Connections still in flight are dropped without a verdict.
    void finish();

    const Target& target() const { return target_; }
    const TargetStats& stats() const { return stats_; }

private:
    struct Attempt {
        LineConnection connection;
        Clock::time_point deadline;
        std::string sent;
        bool greeted = false;  // the server's name line came
    };
    struct LongLived {
        std::optional<LineConnection> connection;
        Clock::time_point connectDeadline;
        Clock::time_point nextOpen;
        Clock::time_point nextSend;
        std::optional<Clock::time_point> awaitingSince;
        std::string sent;
        bool greeted = false;
        std::uint64_t sequence = 0;
    };

    void startAttempt(Clock::time_point now);
    // True when the attempt is over (its verdict recorded).
    bool advance(Attempt& attempt, short revents, Clock::time_point now);
    void succeed();
    void fail(Failure reason, std::string detail, bool longLived);

    void tickLongLived(Clock::time_point now);
    void advanceLongLived(short revents, Clock::time_point now);
    void breakLongLived(Failure reason, std::string detail, Clock::time_point now);

    Target target_;
    std::chrono::milliseconds timeout_;
    Clock::duration period_;
    Clock::time_point nextStart_;
    std::uint64_t sequence_ = 0;
    std::list<Attempt> attempts_;
    std::optional<LongLived> longLived_;
    TargetStats stats_;
};

}  // namespace nodeplane::probe
