#include "compiler/service_frontends.h"

#include <algorithm>

namespace nodeplane::compiler {

namespace {

// kube-proxy: no usable endpoint anywhere → REJECT; usable endpoints exist but
// not in the set this traffic may use (a Local policy with endpoints only on
// other nodes) → DROP.
TrafficRule ruleFor(const EndpointCategories& eps, BackendSet set, bool masquerade) {
    if (!eps.hasAnyEndpoints) return TrafficRule{FlowVerdict::Reject, set, false};
    const auto& chosen = set == BackendSet::Local ? eps.local : eps.cluster;
    if (chosen.empty()) return TrafficRule{FlowVerdict::Drop, set, false};
    return TrafficRule{FlowVerdict::Forward, set, masquerade};
}

// A ClusterIP follows internalTrafficPolicy whatever the source. Sources
// outside the pod CIDRs (the node, or a router sending the service range to
// this node) are masqueraded, since the chosen endpoint may be on another
// node whose reply must come back here (nftables proxier, "off-cluster
// traffic to a service VIP").
void setClusterIPRules(Frontend& f, const ServicePortBackends& b) {
    BackendSet set = b.policies.internalLocal ? BackendSet::Local : BackendSet::Cluster;
    f.fromPod = ruleFor(b.endpoints, set, false);
    f.fromHost = ruleFor(b.endpoints, set, true);
    f.fromExternal = ruleFor(b.endpoints, set, true);
}

// NodePort, externalIP and LoadBalancer follow externalTrafficPolicy for
// traffic from outside. Pods and the node always use the Cluster set, even
// under eTP Local (kube-proxy's short-circuit), and the node's own traffic is
// masqueraded. eTP Cluster masquerades outside clients so replies return
// through this node; eTP Local keeps the client address.
void setExternalRules(Frontend& f, const ServicePortBackends& b) {
    f.fromPod = ruleFor(b.endpoints, BackendSet::Cluster, false);
    f.fromHost = ruleFor(b.endpoints, BackendSet::Cluster, true);
    if (b.policies.externalLocal)
        f.fromExternal = ruleFor(b.endpoints, BackendSet::Local, false);
    else
        f.fromExternal = ruleFor(b.endpoints, BackendSet::Cluster, true);
}

IpAddress anyAddress(IpFamily family) {
    IpAddress a;
    a.family = family;
    return a;
}

Frontend make(FrontendKind kind, const IpAddress& address, const FrontendInputs& in) {
    Frontend f;
    f.kind = kind;
    f.address = address;
    f.port = kind == FrontendKind::NodePort ? in.port.nodePort : in.port.port;
    f.protocol = in.port.protocol;
    f.portIndex = in.portIndex;
    if (kind == FrontendKind::ClusterIP)
        setClusterIPRules(f, in.backends);
    else
        setExternalRules(f, in.backends);
    return f;
}

// loadBalancerSourceRanges apply to LoadBalancer IPs only; a NodePort or
// externalIP of the same service stays open (Service API reference).
void setSourceRanges(Frontend& f, const FrontendInputs& in) {
    const auto& ranges = in.service.loadBalancerSourceRanges;
    if (ranges.empty()) return;
    f.restrictSources = true;
    for (const auto& r : ranges)
        if (r.address.family == f.address.family) f.sourceRanges.push_back(r);
    f.allowLoadBalancerIPSources = std::any_of(f.sourceRanges.begin(), f.sourceRanges.end(), [&](const IpPrefix& r) {
        return std::any_of(in.nodeAddresses.begin(), in.nodeAddresses.end(),
                           [&](const IpAddress& a) { return r.contains(a); });
    });
}

}  // namespace

void appendFrontends(const FrontendInputs& in, std::vector<Frontend>& out) {
    const IpFamily family = in.backends.family;
    auto sameFamily = [&](const IpAddress& a) { return a.family == family; };
    const auto type = in.service.type;

    for (const auto& ip : in.service.clusterIPs)
        if (sameFamily(ip)) out.push_back(make(FrontendKind::ClusterIP, ip, in));

    bool nodePortType = type == state::ServiceType::NodePort || type == state::ServiceType::LoadBalancer;
    if (nodePortType && in.port.nodePort != 0) out.push_back(make(FrontendKind::NodePort, anyAddress(family), in));

    for (const auto& ip : in.service.externalIPs)
        if (sameFamily(ip)) out.push_back(make(FrontendKind::ExternalIP, ip, in));

    if (type != state::ServiceType::LoadBalancer) return;
    for (const auto& ip : in.service.loadBalancerIPs) {
        if (!sameFamily(ip)) continue;
        Frontend f = make(FrontendKind::LoadBalancer, ip, in);
        setSourceRanges(f, in);
        out.push_back(std::move(f));
    }
}

}  // namespace nodeplane::compiler
