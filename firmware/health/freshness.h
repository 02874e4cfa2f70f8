// How long a noticed change may wait for the datapath before the node
// reports itself unhealthy: kube-proxy's healthTimeout logic
// (pkg/proxy/healthcheck/proxy_health.go: QueuedUpdate keeps the oldest
// pending time, Updated clears it, isHealthy compares now against it), with
// the age computed when asked, so a request sees staleness the moment it
// passes the bound and no timer is needed.
#pragma once

#include <chrono>
#include <optional>

namespace nodeplane::health {

using MonoTime = std::chrono::steady_clock::time_point;

// The oldest change noticed in the state and not yet fully applied.
class PendingChange {
public:
    // A change was noticed at `now`; an older pending one keeps its time.
    void notice(MonoTime now) {
        if (!since_) since_ = now;
    }
    // Everything noticed so far reached the datapath.
    void applied() { since_.reset(); }
    const std::optional<MonoTime>& since() const { return since_; }

private:
    std::optional<MonoTime> since_;
};

// True once a change has been pending for maxPending or longer;
// maxPending 0 means a pending change is never late.
bool changeLate(const std::optional<MonoTime>& pendingSince, MonoTime now, std::chrono::seconds maxPending);

}  // namespace nodeplane::health
