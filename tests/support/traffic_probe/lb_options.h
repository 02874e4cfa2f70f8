// The command line of np-sim-lb, the simulated cloud load balancer.
#pragma once

#include <string>
#include <vector>

#include "probe_options.h"

namespace nodeplane::probe {

struct LbBackend {
    std::string name;     // the node, in events
    sockaddr_in service{};  // where clients' connections go: the node's NodePort
    sockaddr_in health{};   // GET /healthz here
};

struct LbOptions {
    sockaddr_in listen{};
    std::vector<LbBackend> backends;
    unsigned intervalMs = 500;      // between health checks of one backend
    unsigned checkTimeoutMs = 400;  // a check without an answer by then failed
    unsigned fall = 2;              // consecutive failures that mark a backend down
    unsigned rise = 2;              // consecutive successes that mark it up
    // After a backend is marked down, its proxied connections are closed
    // gracefully (FIN both ways) once this passes (a cloud LB's
    // deregistration delay); 0 leaves them alone.
    unsigned drainMs = 0;
};

// --listen IP:PORT --backend NAME=IP:PORT@IP:PORT... [--interval-ms N]
// [--check-timeout-ms N] [--fall N] [--rise N] [--drain-ms N]
Result<LbOptions> parseLbOptions(const std::vector<std::string>& args);

}  // namespace nodeplane::probe
