// The healthCheckNodePort servers of eTP Local LoadBalancer services, fed
// from the services the maps took last.
#include "daemon/daemon.h"

namespace nodeplane::daemon {

void Daemon::syncServiceHealth(const compiler::DesiredServices& services) {
    if (!serviceHealth_) return;
    // DesiredServices::healthChecks counts local Ready endpoint addresses,
    // as kube-proxy's LocalReadyEndpoints does: a serving but terminating
    // endpoint is not Ready and counts 0 (pkg/proxy/endpointslicecache.go,
    // TestHealthCheckNodePortWhenTerminating).
    std::vector<health::ServiceHealthCheck> wanted;
    wanted.reserve(services.healthChecks.size());
    for (const auto& check : services.healthChecks)
        wanted.push_back({check.service, check.nodePort, check.localEndpoints});
    // Failures are logged there and retried with the next applied state.
    (void)serviceHealth_->reconcile(wanted);
}

}  // namespace nodeplane::daemon
