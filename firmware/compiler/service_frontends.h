// Internal to the Service compiler: the frontends of one service port and the
// rule each kind of traffic follows on them (the nftables proxier's service,
// external and firewall chains, read as decisions).
#pragma once

#include <vector>

#include "compiler/services.h"

namespace nodeplane::compiler {

struct FrontendInputs {
    const state::Service& service;
    const state::ServicePort& port;
    const ServicePortBackends& backends;
    std::uint32_t portIndex;
    const std::vector<IpAddress>& nodeAddresses;  // this node's, every family
};

// Appends the ClusterIP, NodePort, externalIP and LoadBalancer frontends of
// one service port in backends.family.
void appendFrontends(const FrontendInputs& in, std::vector<Frontend>& out);

}  // namespace nodeplane::compiler
