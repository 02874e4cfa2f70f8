// A policy Model (big_policy_model.h) written as a snapshot directory, the
// layout big clusters use: the node's file (format, node, every [[nodes]])
// and one file per namespace holding the namespace, its pods and its
// NetworkPolicies. A change to one namespace's objects rewrites one file.
// Same model, same bytes.
#pragma once

#include <string>

#include "common/result.h"
#include "state/model.h"

namespace nodeplane::bench {

inline constexpr const char* kPolicyNodeFile = "00-node.toml";

// "ns-7" -> "ns-7.toml"
std::string namespaceFileName(const std::string& namespace_);

// The node's file: format, node and every [[nodes]] entry.
std::string renderPolicyNodeFile(const state::Model& model);
// One namespace's file: the [[namespaces]] entry, its pods and its policies.
std::string renderNamespaceFile(const state::Model& model, const std::string& namespace_);

// Writes every file into `dir` (created if missing).
Status writePolicySnapshot(const state::Model& model, const std::string& dir);

}  // namespace nodeplane::bench
