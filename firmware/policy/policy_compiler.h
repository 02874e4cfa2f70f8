// The NetworkPolicy compiler (networking.k8s.io/v1 semantics): a Model and
// this node's local endpoints in, identities, the ipcache and per-endpoint
// policy entries out. Pure: no I/O.
//
// A pod is isolated for ingress (egress) when some policy that selects it has
// Ingress (Egress) in its policyTypes; an isolated pod admits only what the
// union of those policies' rules allows. Pods that no policy selects are not
// isolated. Replies of allowed connections are the datapath's (conntrack).
#pragma once

#include <vector>

#include "compiler/desired_node.h"
#include "policy/desired_policy.h"
#include "policy/policy_ids.h"
#include "state/model.h"

namespace nodeplane::policy {

struct PolicyOptions {
    // The node may reach its own pods even when they are isolated for
    // ingress: kubelet's liveness and readiness probes come from the node
    // ([policy] allow-from-host).
    bool allowFromHost = true;
};

DesiredPolicy compilePolicy(const state::Model& model, const std::vector<compiler::LocalEndpoint>& localEndpoints,
                            const PolicyOptions& options, PolicyIds& ids);

}  // namespace nodeplane::policy
