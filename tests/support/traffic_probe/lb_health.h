// One backend's health as a cloud load balancer sees it: GET /healthz every
// interval, down after `fall` consecutive failures (no answer in time, or a
// status other than 200), up after `rise` consecutive successes. Backends
// start down and come up once they pass, as a newly registered target does.
#pragma once

#include <poll.h>

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "lb_options.h"
#include "line_connection.h"
#include "target_probe.h"

namespace nodeplane::probe {

class HealthChecker {
public:
    HealthChecker(const LbBackend& backend, const LbOptions& options, Clock::time_point start);

    void collect(std::vector<pollfd>& fds) const;
    // Each returns the line to log: a state change, or a failed check of
    // a backend that is up.
    std::optional<std::string> onReady(const std::unordered_map<int, short>& revents, Clock::time_point now);
    std::optional<std::string> tick(Clock::time_point now);
    Clock::time_point nextDeadline() const;

    bool up() const { return up_; }
    std::optional<Clock::time_point> downSince() const { return downSince_; }
    const std::string& name() const { return backend_.name; }

private:
    std::optional<std::string> conclude(bool healthy, const std::string& why, Clock::time_point now);

    LbBackend backend_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds timeout_;
    unsigned fall_;
    unsigned rise_;
    std::optional<LineConnection> check_;  // the check in flight
    Clock::time_point checkDeadline_;
    Clock::time_point nextCheck_;
    unsigned failures_ = 0;
    unsigned successes_ = 0;
    bool up_ = false;
    std::optional<Clock::time_point> downSince_;
    std::string lastFailure_;
};

}  // namespace nodeplane::probe
