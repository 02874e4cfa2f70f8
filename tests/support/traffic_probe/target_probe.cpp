#include "target_probe.h"

#include <algorithm>

namespace nodeplane::probe {

namespace {

std::string ms(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

TargetProbe::TargetProbe(const Target& target, const ProbeOptions& options, Clock::time_point start)
    : target_(target),
      timeout_(options.timeoutMs),
      period_(std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) / options.ratePerSecond),
      nextStart_(start) {
    if (options.longLived && target.kind == TargetKind::Served) {
        longLived_.emplace();
        longLived_->nextOpen = start;
        stats_.longLived.enabled = true;
    }
}

void TargetProbe::collect(std::vector<pollfd>& fds) const {
    for (const auto& attempt : attempts_)
        fds.push_back({attempt.connection.fd(), attempt.connection.events(), 0});
    if (longLived_ && longLived_->connection)
        fds.push_back({longLived_->connection->fd(), longLived_->connection->events(), 0});
}

void TargetProbe::onReady(const std::unordered_map<int, short>& revents, Clock::time_point now) {
    for (auto it = attempts_.begin(); it != attempts_.end();) {
        auto ready = revents.find(it->connection.fd());
        if (ready != revents.end() && ready->second != 0 && advance(*it, ready->second, now))
            it = attempts_.erase(it);
        else
            ++it;
    }
    if (longLived_ && longLived_->connection) {
        auto ready = revents.find(longLived_->connection->fd());
        if (ready != revents.end() && ready->second != 0) advanceLongLived(ready->second, now);
    }
}

void TargetProbe::tick(Clock::time_point now) {
    // The long-lived connection opens before the first new one: a round
    // robin in front (np-sim-lb) then sends every target's held connection
    // to the same, first backend, which a test can count on.
    if (longLived_) tickLongLived(now);
    while (now >= nextStart_) {
        startAttempt(now);
        nextStart_ += period_;
        // Behind schedule (a stalled machine): skip the missed starts rather
        // than burst, so the rate stays what the report says it was.
        if (now - nextStart_ > period_) nextStart_ = now + period_;
    }
    for (auto it = attempts_.begin(); it != attempts_.end();) {
        if (now < it->deadline) {
            ++it;
            continue;
        }
        if (target_.kind == TargetKind::Denied) {
            succeed();  // nothing answered: denied, as it must be
        } else {
            fail(Failure::Timeout,
                 (it->connection.connected() ? "no answer within " : "no connection within ") + ms(timeout_), false);
        }
        it = attempts_.erase(it);
    }
}

Clock::time_point TargetProbe::nextDeadline() const {
    Clock::time_point next = nextStart_;
    for (const auto& attempt : attempts_) next = std::min(next, attempt.deadline);
    if (longLived_) {
        if (!longLived_->connection)
            next = std::min(next, longLived_->nextOpen);
        else if (!longLived_->connection->connected())
            next = std::min(next, longLived_->connectDeadline);
        else if (longLived_->awaitingSince)
            next = std::min(next, *longLived_->awaitingSince + timeout_);
        else
            next = std::min(next, longLived_->nextSend);
    }
    return next;
}

void TargetProbe::finish() {
    attempts_.clear();
    if (longLived_) longLived_->connection.reset();
}

void TargetProbe::startAttempt(Clock::time_point now) {
    auto connection = LineConnection::open(target_.address);
    if (!connection) {
        // Refused at once (no route, say): the verdict is already in.
        if (target_.kind == TargetKind::Denied) return succeed();
        return fail(classifyErrno(connection.error().errnum), connection.error().message, false);
    }
    Attempt attempt{std::move(connection).value(), now + timeout_,
                    "probe " + target_.name + " " + std::to_string(++sequence_)};
    if (target_.kind == TargetKind::Served) {
        if (auto st = attempt.connection.send(attempt.sent); !st)
            return fail(classifyErrno(st.error().errnum), st.error().message, false);
    }
    attempts_.push_back(std::move(attempt));
}

bool TargetProbe::advance(Attempt& attempt, short revents, Clock::time_point) {
    auto& connection = attempt.connection;
    const bool wasConnected = connection.connected();
    if (auto st = connection.onEvents(revents); !st) {
        if (target_.kind == TargetKind::Denied && !wasConnected) {
            succeed();  // refused or unreachable: denied
        } else {
            fail(classifyErrno(st.error().errnum), st.error().message, false);
        }
        return true;
    }
    if (target_.kind == TargetKind::Denied) {
        if (!connection.connected()) return false;
        fail(Failure::Connected, "a connection to a denied target was established", false);
        return true;
    }
    while (auto line = connection.takeLine()) {
        if (*line == attempt.sent) {
            succeed();
            return true;
        }
        if (attempt.greeted) {
            fail(Failure::WrongAnswer, "answered '" + *line + "', expected '" + attempt.sent + "'", false);
            return true;
        }
        // The e2e servers say who they are first (tests/e2e/lib/traffic.sh).
        attempt.greeted = true;
        ++stats_.answeredBy[*line];
    }
    if (connection.peerClosed()) {
        fail(Failure::Closed, attempt.greeted ? "closed before the echo" : "closed before any answer", false);
        return true;
    }
    return false;
}

void TargetProbe::succeed() {
    ++stats_.attempts;
    ++stats_.ok;
}

void TargetProbe::fail(Failure reason, std::string detail, bool longLived) {
    if (!longLived) ++stats_.attempts;
    stats_.recordFailure({std::chrono::system_clock::now(), reason, std::move(detail), longLived});
}

void TargetProbe::tickLongLived(Clock::time_point now) {
    auto& ll = *longLived_;
    if (!ll.connection) {
        if (now < ll.nextOpen) return;
        auto connection = LineConnection::open(target_.address);
        ++stats_.longLived.opened;
        if (!connection) {
            breakLongLived(classifyErrno(connection.error().errnum), connection.error().message, now);
            return;
        }
        ll.connection.emplace(std::move(connection).value());
        ll.connectDeadline = now + timeout_;
        ll.nextSend = now;
        ll.awaitingSince.reset();
        ll.greeted = false;
        return;
    }
    if (!ll.connection->connected()) {
        if (now >= ll.connectDeadline) breakLongLived(Failure::Timeout, "no connection within " + ms(timeout_), now);
        return;
    }
    if (ll.awaitingSince) {
        if (now - *ll.awaitingSince >= timeout_)
            breakLongLived(Failure::Timeout, "no echo within " + ms(timeout_), now);
        return;
    }
    if (now < ll.nextSend) return;
    ll.sent = "long " + target_.name + " " + std::to_string(++ll.sequence);
    ll.awaitingSince = now;
    if (auto st = ll.connection->send(ll.sent); !st)
        breakLongLived(classifyErrno(st.error().errnum), st.error().message, now);
}

void TargetProbe::advanceLongLived(short revents, Clock::time_point now) {
    auto& ll = *longLived_;
    if (auto st = ll.connection->onEvents(revents); !st) {
        breakLongLived(classifyErrno(st.error().errnum), st.error().message, now);
        return;
    }
    while (auto line = ll.connection->takeLine()) {
        if (ll.awaitingSince && *line == ll.sent) {
            ++stats_.longLived.exchanges;
            ll.nextSend = *ll.awaitingSince + kLongLivedInterval;
            ll.awaitingSince.reset();
            continue;
        }
        if (!ll.greeted) {
            ll.greeted = true;
            continue;
        }
        breakLongLived(Failure::WrongAnswer, "answered '" + *line + "', expected '" + ll.sent + "'", now);
        return;
    }
    if (ll.connection->peerClosed()) breakLongLived(Failure::Closed, "closed by the peer", now);
}

void TargetProbe::breakLongLived(Failure reason, std::string detail, Clock::time_point now) {
    auto& ll = *longLived_;
    ++stats_.longLived.breaks;
    fail(reason, std::move(detail), true);
    ll.connection.reset();
    ll.awaitingSince.reset();
    // Opened again so the rest of the run is still measured.
    ll.nextOpen = now + kLongLivedInterval;
}

}  // namespace nodeplane::probe
