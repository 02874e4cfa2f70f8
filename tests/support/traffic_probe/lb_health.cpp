#include "lb_health.h"

#include <algorithm>

namespace nodeplane::probe {

namespace {

// The request's last "\r\n" is completed by the newline send() appends.
constexpr char kRequest[] = "GET /healthz HTTP/1.0\r\nHost: np-sim-lb\r\n\r";

}  // namespace

HealthChecker::HealthChecker(const LbBackend& backend, const LbOptions& options, Clock::time_point start)
    : backend_(backend),
      interval_(options.intervalMs),
      timeout_(std::min(options.checkTimeoutMs, options.intervalMs)),
      fall_(options.fall),
      rise_(options.rise),
      nextCheck_(start),
      downSince_(start) {}

void HealthChecker::collect(std::vector<pollfd>& fds) const {
    if (check_) fds.push_back({check_->fd(), check_->events(), 0});
}

std::optional<std::string> HealthChecker::onReady(const std::unordered_map<int, short>& revents,
                                                  Clock::time_point now) {
    if (!check_) return std::nullopt;
    auto ready = revents.find(check_->fd());
    if (ready == revents.end()) return std::nullopt;
    if (auto st = check_->onEvents(ready->second); !st) return conclude(false, st.error().message, now);
    if (auto status = check_->takeLine()) {
        // "HTTP/1.1 200 OK\r": the code is the second word.
        const auto space = status->find(' ');
        const std::string code = space == std::string::npos ? *status : status->substr(space + 1, 3);
        return conclude(code == "200", "HTTP " + code, now);
    }
    if (check_->peerClosed()) return conclude(false, "closed without a status line", now);
    return std::nullopt;
}

std::optional<std::string> HealthChecker::tick(Clock::time_point now) {
    if (check_ && now >= checkDeadline_)
        return conclude(false, "no answer in " + std::to_string(timeout_.count()) + " ms", now);
    if (check_ || now < nextCheck_) return std::nullopt;
    nextCheck_ += interval_;
    if (nextCheck_ < now) nextCheck_ = now + interval_;
    auto connection = LineConnection::open(backend_.health);
    if (!connection) return conclude(false, connection.error().message, now);
    check_.emplace(std::move(connection).value());
    checkDeadline_ = now + timeout_;
    if (auto st = check_->send(kRequest); !st) return conclude(false, st.error().message, now);
    return std::nullopt;
}

Clock::time_point HealthChecker::nextDeadline() const { return check_ ? checkDeadline_ : nextCheck_; }

std::optional<std::string> HealthChecker::conclude(bool healthy, const std::string& why, Clock::time_point now) {
    check_.reset();
    if (healthy) {
        failures_ = 0;
        if (up_ || ++successes_ < rise_) return std::nullopt;
        up_ = true;
        downSince_.reset();
        return backend_.name + " up (" + std::to_string(rise_) + " checks passed)";
    }
    successes_ = 0;
    lastFailure_ = why;
    if (!up_) return std::nullopt;
    if (++failures_ < fall_)
        return backend_.name + " check failed (" + std::to_string(failures_) + " of " + std::to_string(fall_) +
               "): " + why;
    up_ = false;
    downSince_ = now;
    return backend_.name + " down (" + std::to_string(fall_) + " checks failed, last: " + why + ")";
}

}  // namespace nodeplane::probe
