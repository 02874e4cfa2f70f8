// One Service at a time: what compileServices() computes for a single
// Service and its EndpointSlices, and the step that puts the services
// together (capacity checks across all of them, frontends sorted and
// deduplicated). Split out so a cache can recompile only the services whose
// inputs changed (compiler/service_compile_cache.h).
#pragma once

#include <string>
#include <vector>

#include "compiler/services.h"

namespace nodeplane::compiler {

// What a service's compilation reads about this node.
struct NodeFacts {
    std::string name;
    std::string zone;  // topology.kubernetes.io/zone, "" when absent
    std::vector<IpAddress> addresses;

    bool operator==(const NodeFacts&) const = default;
};

NodeFacts nodeFactsOf(const state::Model& model);

struct CompiledService {
    bool skipped = false;  // ExternalName or headless: not the datapath's
    std::vector<ServicePortBackends> ports;
    std::vector<Frontend> frontends;  // portIndex into `ports`
    std::uint32_t localReady = 0;     // local Ready endpoint addresses over all ports
    bool healthCheck = false;         // an eTP Local LoadBalancer with a healthCheckNodePort
    InputErrors errors;               // refusals of this service alone (SCTP)
};

// `slices` are the service's EndpointSlices in slice-name order.
CompiledService compileService(const state::Service& service, const std::vector<const state::EndpointSlice*>& slices,
                               const NodeFacts& node);

// Puts compiled services (in namespace/name order, each with its Service)
// together as compileServices() does. The ports are moved out of `compiled`.
struct ServiceInOrder {
    const state::Service* service;
    CompiledService* compiled;
};
ServicesResult assembleServices(const std::vector<ServiceInOrder>& services, const ServiceLimits& limits);

}  // namespace nodeplane::compiler
