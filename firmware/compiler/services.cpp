#include "compiler/services.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "compiler/service_compile.h"
#include "compiler/service_frontends.h"

namespace nodeplane::compiler {

namespace {

// Node label kube-proxy reads for topology hints (v1.LabelTopologyZone).
constexpr const char* kZoneLabel = "topology.kubernetes.io/zone";

using SliceIndex = std::map<std::pair<std::string, std::string>, std::vector<const state::EndpointSlice*>>;

// Slices by (namespace, service), each list in slice-name order so the result
// does not depend on the order sources listed them.
SliceIndex indexSlices(const state::Model& model) {
    SliceIndex index;
    for (const auto& s : model.endpointSlices) index[{s.namespace_, s.service}].push_back(&s);
    for (auto& [key, slices] : index)
        std::sort(slices.begin(), slices.end(),
                  [](const auto* a, const auto* b) { return a->name < b->name; });
    return index;
}

// The endpoints of one service port in one family, as kube-proxy's
// EndpointSliceCache builds them: the slice port whose name and protocol match
// the Service port gives the port number (so a named targetPort is resolved
// by the EndpointSlice controller, through the port name); only an
// endpoint's first address counts; endpoints of the other family are
// ignored; a duplicate ip:port keeps the local copy.
std::vector<ServiceBackend> gatherEndpoints(const std::vector<const state::EndpointSlice*>& slices,
                                            const state::ServicePort& sp, IpFamily family,
                                            const std::string& nodeName) {
    std::map<std::pair<IpAddress, std::uint16_t>, ServiceBackend> byAddress;
    for (const auto* slice : slices) {
        for (const auto& port : slice->ports) {
            if (port.name != sp.name || port.protocol != sp.protocol || port.port == 0) continue;
            for (const auto& ep : slice->endpoints) {
                if (ep.addresses.empty() || ep.addresses.front().family != family) continue;
                ServiceBackend b;
                b.ip = ep.addresses.front();
                b.port = port.port;
                b.protocol = port.protocol;
                b.nodeName = ep.nodeName;
                b.zone = ep.zone;
                b.local = !nodeName.empty() && ep.nodeName == nodeName;
                b.ready = ep.conditions.ready;
                b.serving = ep.conditions.serving;
                b.terminating = ep.conditions.terminating;
                b.zoneHints = ep.hintsForZones;
                auto key = std::make_pair(b.ip, b.port);
                auto it = byAddress.find(key);
                if (it == byAddress.end())
                    byAddress.emplace(key, std::move(b));
                else if (b.local)
                    it->second = std::move(b);
            }
        }
    }
    std::vector<ServiceBackend> out;
    out.reserve(byAddress.size());
    for (auto& [key, b] : byAddress) out.push_back(std::move(b));
    return out;
}

std::vector<IpFamily> familiesOf(const state::Service& svc) {
    std::vector<IpFamily> out;
    for (IpFamily f : {IpFamily::V4, IpFamily::V6})
        if (std::any_of(svc.clusterIPs.begin(), svc.clusterIPs.end(), [&](const IpAddress& a) { return a.family == f; }))
            out.push_back(f);
    return out;
}

bool anyOfFamily(const std::vector<IpAddress>& ips, IpFamily f) {
    return std::any_of(ips.begin(), ips.end(), [&](const IpAddress& a) { return a.family == f; });
}

// kube-proxy's BaseServicePortInfo view of the policies, for one family.
TrafficPolicies policiesOf(const state::Service& svc, const state::ServicePort& sp, IpFamily family) {
    const bool nodePortType = svc.type == state::ServiceType::NodePort || svc.type == state::ServiceType::LoadBalancer;
    const bool lb = svc.type == state::ServiceType::LoadBalancer;
    TrafficPolicies p;
    p.internalLocal = svc.internalTrafficPolicy == state::TrafficPolicy::Local;
    // apiservice.ExternalPolicyLocal: only an externally accessible service
    // (NodePort, LoadBalancer, or externalIPs) has an external policy.
    p.externalLocal = svc.externalTrafficPolicy == state::TrafficPolicy::Local &&
                      (nodePortType || !svc.externalIPs.empty());
    p.externallyAccessible = (nodePortType && sp.nodePort != 0) || anyOfFamily(svc.externalIPs, family) ||
                             (lb && anyOfFamily(svc.loadBalancerIPs, family));
    return p;
}

InputError objectError(const state::Service& svc, std::string message) {
    return InputError{svc.where.file, svc.where.line, svc.where.column, "Service " + serviceKey(svc), "",
                      std::move(message)};
}

auto frontendKey(const Frontend& f) { return std::tie(f.address, f.port, f.protocol); }

const char* kindName(FrontendKind k) {
    switch (k) {
        case FrontendKind::ClusterIP: return "ClusterIP";
        case FrontendKind::NodePort: return "NodePort";
        case FrontendKind::ExternalIP: return "externalIP";
        case FrontendKind::LoadBalancer: return "LoadBalancer IP";
    }
    return "frontend";
}

// Two services on one address:port/protocol (two Services listing the same
// externalIP, say): the first in namespace/name order keeps it, as the
// first-written rule wins in kube-proxy. Tolerated, with a warning.
void sortAndDeduplicate(DesiredServices& d, InputErrors& warnings) {
    std::stable_sort(d.frontends.begin(), d.frontends.end(),
                     [](const Frontend& a, const Frontend& b) { return frontendKey(a) < frontendKey(b); });
    std::vector<Frontend> unique;
    unique.reserve(d.frontends.size());
    for (auto& f : d.frontends) {
        if (!unique.empty() && frontendKey(unique.back()) == frontendKey(f)) {
            std::string port = std::to_string(f.port);
            warnings.push_back(InputError{"", 0, 0, "Service " + d.ports[f.portIndex].service, "",
                                          std::string(kindName(f.kind)) + " " + f.address.toString() + " port " +
                                              port + " is already used by Service " +
                                              d.ports[unique.back().portIndex].service + ", ignoring"});
            continue;
        }
        unique.push_back(std::move(f));
    }
    d.frontends = std::move(unique);
}

}  // namespace

std::string serviceKey(const state::Service& service) { return service.namespace_ + "/" + service.name; }

NodeFacts nodeFactsOf(const state::Model& model) {
    NodeFacts facts;
    facts.name = model.node;
    if (const state::Node* self = model.thisNode()) {
        if (auto it = self->labels.find(kZoneLabel); it != self->labels.end()) facts.zone = it->second;
        facts.addresses = self->addresses;
    }
    return facts;
}

CompiledService compileService(const state::Service& svc, const std::vector<const state::EndpointSlice*>& slices,
                               const NodeFacts& node) {
    CompiledService out;
    // kube-proxy's ShouldSkipService: ExternalName is DNS only; a headless
    // service (no cluster IP) is resolved by DNS to its endpoints.
    if (svc.type == state::ServiceType::ExternalName || svc.clusterIPs.empty()) {
        out.skipped = true;
        return out;
    }
    const std::string key = serviceKey(svc);
    // Refused, not ignored: SCTP's CRC32c covers the ports and cannot be
    // updated incrementally, so the datapath cannot translate it.
    for (const auto& sp : svc.ports)
        if (sp.protocol == state::Protocol::SCTP)
            out.errors.push_back(objectError(
                svc, "port " + (sp.name.empty() ? std::to_string(sp.port) : sp.name) +
                         " is SCTP, which nodeplane's datapath cannot translate (its CRC32c checksum cannot "
                         "be updated in place); remove the port or serve it without a Service VIP"));
    std::set<IpAddress> localReady;
    for (IpFamily family : familiesOf(svc)) {
        for (const auto& sp : svc.ports) {
            ServicePortBackends b;
            b.service = key;
            b.portName = sp.name;
            b.family = family;
            b.protocol = sp.protocol;
            b.port = sp.port;
            b.policies = policiesOf(svc, sp, family);
            b.sessionAffinity = svc.sessionAffinity == state::SessionAffinity::ClientIP;
            b.affinityTimeoutSeconds = b.sessionAffinity ? svc.sessionAffinityTimeoutSeconds : 0;
            auto endpoints = gatherEndpoints(slices, sp, family, node.name);
            for (const auto& ep : endpoints)
                if (ep.local && ep.ready) localReady.insert(ep.ip);
            b.endpoints = categorizeEndpoints(endpoints, b.policies, node.zone);
            auto portIndex = static_cast<std::uint32_t>(out.ports.size());
            out.ports.push_back(std::move(b));
            appendFrontends(FrontendInputs{svc, sp, out.ports.back(), portIndex, node.addresses}, out.frontends);
        }
    }
    out.localReady = static_cast<std::uint32_t>(localReady.size());
    // The health check node port exists for eTP Local LoadBalancers
    // (apiservice.NeedsHealthCheck).
    out.healthCheck = svc.type == state::ServiceType::LoadBalancer &&
                      svc.externalTrafficPolicy == state::TrafficPolicy::Local && svc.healthCheckNodePort != 0;
    return out;
}

ServicesResult assembleServices(const std::vector<ServiceInOrder>& services, const ServiceLimits& limits) {
    ServicesResult result;
    DesiredServices& d = result.desired;
    std::uint32_t serviceCount = 0;
    bool backendLimitHit = false;
    for (const auto& [svc, compiled] : services) {
        if (compiled->skipped) continue;
        if (++serviceCount == limits.maxServices + 1ULL) {
            result.errors.push_back(objectError(*svc, "the state has more than " + std::to_string(limits.maxServices) +
                                                          " services, the datapath's limit"));
        }
        const std::string key = serviceKey(*svc);
        d.clusterIPs.insert(d.clusterIPs.end(), svc->clusterIPs.begin(), svc->clusterIPs.end());
        result.errors.insert(result.errors.end(), compiled->errors.begin(), compiled->errors.end());
        const auto base = static_cast<std::uint32_t>(d.ports.size());
        for (auto& b : compiled->ports) {
            d.backendEntries += b.endpoints.cluster.size() + b.endpoints.local.size();
            if (!backendLimitHit && d.backendEntries > limits.maxBackendEntries) {
                backendLimitHit = true;
                std::string portName = b.portName.empty() ? std::to_string(b.port) : b.portName;
                result.errors.push_back(objectError(
                    *svc, "port " + portName + " brings the service backend entries to " +
                              std::to_string(d.backendEntries) + ", more than the datapath's limit of " +
                              std::to_string(limits.maxBackendEntries)));
            }
            d.ports.push_back(std::move(b));
        }
        for (const auto& f : compiled->frontends) {
            d.frontends.push_back(f);
            d.frontends.back().portIndex += base;
        }
        if (compiled->localReady) d.localReadyEndpoints[key] = compiled->localReady;
        if (compiled->healthCheck)
            d.healthChecks.push_back(HealthCheckService{key, svc->healthCheckNodePort, compiled->localReady});
    }
    std::sort(d.clusterIPs.begin(), d.clusterIPs.end());
    d.clusterIPs.erase(std::unique(d.clusterIPs.begin(), d.clusterIPs.end()), d.clusterIPs.end());
    sortAndDeduplicate(d, result.warnings);
    return result;
}

ServicesResult compileServices(const state::Model& model, const ServiceLimits& limits) {
    const NodeFacts node = nodeFactsOf(model);
    std::vector<const state::Service*> services;
    for (const auto& s : model.services) services.push_back(&s);
    std::sort(services.begin(), services.end(), [](const auto* a, const auto* b) {
        return std::tie(a->namespace_, a->name) < std::tie(b->namespace_, b->name);
    });
    const SliceIndex slices = indexSlices(model);
    static const std::vector<const state::EndpointSlice*> kNoSlices;

    std::vector<CompiledService> compiled;
    compiled.reserve(services.size());
    std::vector<ServiceInOrder> inOrder;
    inOrder.reserve(services.size());
    for (const auto* svc : services) {
        auto found = slices.find({svc->namespace_, svc->name});
        compiled.push_back(compileService(*svc, found == slices.end() ? kNoSlices : found->second, node));
    }
    for (std::size_t i = 0; i < services.size(); ++i) inOrder.push_back({services[i], &compiled[i]});
    return assembleServices(inOrder, limits);
}

}  // namespace nodeplane::compiler
