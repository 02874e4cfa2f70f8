#include "compiler/service_flow.h"

#include <algorithm>

namespace nodeplane::compiler {

namespace {

bool contains(const std::vector<IpAddress>& list, const IpAddress& a) {
    return std::find(list.begin(), list.end(), a) != list.end();
}

const Frontend* findFrontend(const DesiredServices& s, const FlowContext& ctx, const Flow& flow) {
    // A specific address first: a node address may also be an externalIP.
    for (const auto& f : s.frontends)
        if (f.kind != FrontendKind::NodePort && f.address == flow.destination && f.port == flow.port &&
            f.protocol == flow.protocol)
            return &f;
    if (!contains(ctx.nodePortAddresses, flow.destination)) return nullptr;
    for (const auto& f : s.frontends)
        if (f.kind == FrontendKind::NodePort && f.address.family == flow.destination.family &&
            f.port == flow.port && f.protocol == flow.protocol)
            return &f;
    return nullptr;
}

// loadBalancerSourceRanges (the nftables proxier's firewall check, before
// any DNAT or REJECT).
bool sourceAllowed(const DesiredServices& s, const Frontend& f, const IpAddress& source) {
    if (!f.restrictSources) return true;
    if (std::any_of(f.sourceRanges.begin(), f.sourceRanges.end(), [&](const IpPrefix& r) { return r.contains(source); }))
        return true;
    if (!f.allowLoadBalancerIPSources) return false;
    const std::string& service = s.ports[f.portIndex].service;
    return std::any_of(s.frontends.begin(), s.frontends.end(), [&](const Frontend& other) {
        return other.kind == FrontendKind::LoadBalancer && other.address == source &&
               s.ports[other.portIndex].service == service;
    });
}

const TrafficRule& ruleFor(const Frontend& f, SourceKind kind) {
    switch (kind) {
        case SourceKind::Pod: return f.fromPod;
        case SourceKind::Host: return f.fromHost;
        case SourceKind::External: return f.fromExternal;
    }
    return f.fromExternal;
}

}  // namespace

FlowDecision decideFlow(const DesiredServices& services, const FlowContext& context, const Flow& flow) {
    FlowDecision d;
    d.frontend = findFrontend(services, context, flow);
    if (!d.frontend) {
        // nftables proxier: an allocated ClusterIP on a port it does not
        // serve is rejected; an unallocated address in the service range is
        // dropped; anything else is not ours.
        if (contains(services.clusterIPs, flow.destination))
            d.result = FlowResult::Reject;
        else if (std::any_of(context.serviceCIDRs.begin(), context.serviceCIDRs.end(),
                             [&](const IpPrefix& p) { return p.contains(flow.destination); }))
            d.result = FlowResult::Drop;
        return d;
    }
    if (!sourceAllowed(services, *d.frontend, flow.source)) {
        d.result = FlowResult::Drop;
        return d;
    }
    const TrafficRule& rule = ruleFor(*d.frontend, flow.sourceKind);
    switch (rule.verdict) {
        case FlowVerdict::Reject: d.result = FlowResult::Reject; return d;
        case FlowVerdict::Drop: d.result = FlowResult::Drop; return d;
        case FlowVerdict::Forward: break;
    }
    const auto& eps = services.ports[d.frontend->portIndex].endpoints;
    d.result = FlowResult::DNAT;
    d.eligible = rule.backends == BackendSet::Local ? eps.local : eps.cluster;
    d.masquerade = rule.masquerade;
    return d;
}

bool masqueradeTo(const FlowDecision& decision, const Flow& flow, const ServiceBackend& backend) {
    return decision.masquerade || backend.ip == flow.source;
}

}  // namespace nodeplane::compiler
