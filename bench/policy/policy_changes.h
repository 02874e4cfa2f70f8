// The three changes the policy latency benchmark makes to the big policy
// model (big_policy_model.h), each aimed at one local pod L and each
// rewriting exactly one namespace file of the snapshot (policy_snapshot.h):
//   policy           L's policies stop admitting the pods their first rule
//                    selects (app=app-none instead): the entry for a peer R
//                    on L's named port goes away.
//   pod-label        R gets one label more, so a new identity: L's entries
//                    for it are written, then R's address moves to it.
//   namespace-label  a namespace whose front pods L admits (namespace
//                    selector team=...) changes its team: the entry for its
//                    front pod F on port 9000 goes away.
// Each change has its undo; the benchmark alternates them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "state/model.h"

namespace nodeplane::bench {

enum class PolicyChangeKind { Policy, PodLabel, NamespaceLabel };

const char* changeKindName(PolicyChangeKind kind);
std::optional<PolicyChangeKind> parseChangeKind(const std::string& name);

// What one change (or its undo) looks like from the datapath: the entry
// (L's endpoint, the remote's identity, ingress, TCP, port) is there or not,
// and, for a label change, the remote's address has another identity.
struct ChangeTarget {
    std::string localPod;   // "namespace/name" of L
    IpAddress remoteIp;     // R or F
    std::uint16_t port = 0; // on L, TCP
    std::string file;       // the namespace file the change rewrites
};

struct ChangeTexts {
    ChangeTarget target;
    std::string changed;  // the file's text with the change
    std::string original; // the file's text as generated (the undo)
};

// The change of `kind` aimed at the `index`-th local pod (modulo their number).
Result<ChangeTexts> makeChange(const state::Model& model, PolicyChangeKind kind, std::size_t index);

}  // namespace nodeplane::bench
