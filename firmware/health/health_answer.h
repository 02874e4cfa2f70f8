// What /healthz and /livez answer, as pure functions of the daemon's health
// view and the wall clock (kube-proxy's proxier health server, see
// pkg/proxy/healthcheck/proxy_health.go, with the deviations noted below).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "health/http_types.h"

namespace nodeplane::health {

using WallTime = std::chrono::system_clock::time_point;

// Filled by the daemon on every request.
struct HealthView {
    bool serving = false;       // phase is "serving" and no drain (manual or exiting) is on
    bool stateFresh = false;    // a state is applied and no change is late (changeLate)
    bool nodeEligible = true;   // Node not deleting and not tainted ToBeDeletedByClusterAutoscaler;
                                // true until a Node says otherwise, as kube-proxy does
    bool loopAlive = true;      // false once the daemon has decided to exit
    std::optional<WallTime> lastUpdated;  // when a state was last fully applied; none yet: nullopt
    // A change noticed in the state has waited longer than [health]
    // max-pending-seconds to reach the datapath (health/freshness.h).
    bool changeLate = false;
};

// kube-proxy: 200 iff healthy and nodeEligible.
bool healthzHealthy(const HealthView& view);
// kube-proxy's livez is its healthz without node eligibility; ours also
// stays 200 while starting and draining (both are planned, and a liveness
// probe that failed there would have the daemon killed mid-drain): 200
// while the loop runs and no change is late.
bool livezHealthy(const HealthView& view);
// serviceProxyHealthy of every healthCheckNodePort answer: kube-proxy's
// ProxyHealthServer.Health().Healthy (pkg/proxy/healthcheck/proxy_health.go),
// which, unlike /healthz, ignores node eligibility. Ours is also false while
// starting or draining, so a draining node fails its eTP Local checks and
// load balancers move away before forwarding stops.
bool serviceProxyHealthy(const HealthView& view);

// {"lastUpdated":"...","currentTime":"...","nodeEligible":true,"healthy":true}
// lastUpdated is the real time of the last apply, also when healthy (kube-proxy
// reports currentTime then); tests wait for it to pass the time they changed
// the state. Never applied: Go's zero time, as kube-proxy prints it.
std::string healthBody(const std::optional<WallTime>& lastUpdated, WallTime now, bool nodeEligible, bool healthy);

// Routes one request: /healthz, /livez (GET or HEAD), 404 for other paths,
// 405 for other methods.
HttpResponse answerHealthRequest(const HttpRequest& request, const HealthView& view, WallTime now);

}  // namespace nodeplane::health
