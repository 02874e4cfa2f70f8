#include "observe/enricher.h"

#include <algorithm>

namespace nodeplane::observe {

namespace {

bool isPolicyVerdict(const FlowEvent& event, bool allowed) {
    return event.kind == FlowEventKind::PolicyVerdict && event.allowed == allowed;
}

// The end whose policy decided a verdict: ingress is enforced at the
// destination pod, egress at the source pod.
const Peer& localEnd(const EnrichedFlow& flow) {
    return flow.event.direction == PolicyDirection::Egress ? flow.src : flow.dst;
}

}  // namespace

FlowEnricher::FlowEnricher(const state::Model& model) : directory_(model), attribution_(model) {}

EnrichedFlow FlowEnricher::enrich(const FlowEvent& event) const {
    EnrichedFlow flow;
    flow.event = event;
    flow.src = directory_.peerOf(event.src);
    flow.dst = directory_.peerOf(event.dst);
    if (isPolicyVerdict(event, true)) {
        const bool egress = event.direction == PolicyDirection::Egress;
        const IpAddress& local = egress ? event.src : event.dst;
        const IpAddress& remote = egress ? event.dst : event.src;
        // The port a rule names is the destination's in both directions.
        flow.policies = attribution_.allowingPolicies(local, event.direction, remote, event.protocol, event.dstPort);
    }
    return flow;
}

bool FlowEnricher::allowLoggingEnabled(const EnrichedFlow& flow) const {
    if (!isPolicyVerdict(flow.event, true)) return false;
    return std::ranges::any_of(flow.policies, [&](const PolicyRef& p) { return attribution_.loggingEnabled(p); });
}

bool FlowEnricher::denyLoggingEnabled(const EnrichedFlow& flow) const {
    if (!isPolicyVerdict(flow.event, false)) return false;
    const Peer& local = localEnd(flow);
    return local.kind == Peer::Kind::Pod && directory_.denyLoggingEnabled(local.podNamespace);
}

}  // namespace nodeplane::observe
