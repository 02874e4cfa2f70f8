// Turns a decoded datapath event into the record the policy action log,
// `nodeplanectl observe` and the metrics read: both ends named from the
// applied state, and, for an allowed policy verdict, the NetworkPolicies
// that allowed it. One FlowEnricher per applied state: build a new one when
// the state changes and swap it in; it holds no reference into the Model.
#pragma once

#include "observe/endpoint_directory.h"
#include "observe/flow_event.h"
#include "observe/policy_attribution.h"
#include "state/model.h"

namespace nodeplane::observe {

class FlowEnricher {
public:
    // `model.node` is this node (the snapshot checks it equals [node] name).
    explicit FlowEnricher(const state::Model& model);

    // src and dst always; policies only for an allowed PolicyVerdict, whose
    // local pod is the destination for Ingress and the source for Egress.
    EnrichedFlow enrich(const FlowEvent& event) const;

    // Allow delegation: an allowed PolicyVerdict is logged only when one of
    // the policies that allowed it has policy.network.gke.io/enable-logging
    // = "true".
    bool allowLoggingEnabled(const EnrichedFlow& flow) const;
    // Deny delegation: a denied PolicyVerdict is logged only when the
    // namespace of the pod whose policy denied it (the destination's for
    // Ingress, the source's for Egress) has
    // policy.network.gke.io/enable-deny-logging = "true".
    bool denyLoggingEnabled(const EnrichedFlow& flow) const;

    const EndpointDirectory& directory() const { return directory_; }
    const PolicyAttribution& attribution() const { return attribution_; }

private:
    EndpointDirectory directory_;
    PolicyAttribution attribution_;
};

}  // namespace nodeplane::observe
