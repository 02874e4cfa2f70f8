// A digest of everything the policy compiler reads: the pods' namespaces,
// names, labels, addresses and ports, the namespaces' labels, the policies,
// the nodes' addresses, this node's local endpoints and the options. Two
// states with the same digest compile to the same DesiredPolicy, so a reload
// that changed only services, slices or where objects sit in their files
// skips the policy compile (and its map diff) altogether.
//
// Two independent 64-bit hashes over a length-prefixed encoding: inputs that
// differ yet collide in both are not a practical concern for state a cluster
// writes (they are not adversarial: whoever writes the snapshot decides the
// policy anyway).
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/desired_node.h"
#include "state/model.h"

namespace nodeplane::policy {

struct PolicyOptions;  // policy_compiler.h

struct PolicyInputsDigest {
    std::uint64_t a = 0;
    std::uint64_t b = 0;

    bool operator==(const PolicyInputsDigest&) const = default;
};

PolicyInputsDigest policyInputsDigest(const state::Model& model,
                                      const std::vector<compiler::LocalEndpoint>& localEndpoints,
                                      const PolicyOptions& options);

}  // namespace nodeplane::policy
