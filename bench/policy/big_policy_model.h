// A deterministic cluster for the policy benchmarks: `pods` pods in
// namespaces of 100 (ten apps, front and back tiers: twenty identities per
// namespace), spread evenly over nodes of 100 pods, and `policies`
// NetworkPolicies, twenty per namespace at most, each selecting one app, with
// the shapes real clusters use: same-namespace pod selectors on a named port,
// namespace+pod selectors on a port range, ipBlock with except, egress to DNS.
#pragma once

#include <cstddef>
#include <vector>

#include "compiler/desired_node.h"
#include "state/model.h"

namespace nodeplane::bench {

struct PolicyModelSize {
    std::size_t pods = 50000;
    std::size_t policies = 10000;
};

state::Model bigPolicyModel(const PolicyModelSize& size);

// The local endpoints of the model's own node ("node-0"), ids from 1.
std::vector<compiler::LocalEndpoint> bigPolicyLocalEndpoints(const state::Model& model);

}  // namespace nodeplane::bench
