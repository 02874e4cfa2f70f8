// A case's cluster, after a step, as the snapshot's objects: the namespaces
// and pods of the model (labels as the step left them, ports = the case's
// servers), one ClusterIP Service per pod with its EndpointSlice (as
// upstream's per-pod Service s-<ns>-<pod>), and the NetworkPolicies in force.
// Where each pod runs is the harness's choice, read from a placement list.
// The caller writes the top (format, node, [[nodes]]).
#pragma once

#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "case_model.h"
#include "case_state.h"
#include "common/ip.h"
#include "common/result.h"
#include "symbolic_cidr.h"

namespace nodeplane::netpol {

struct PodPlacement {
    std::string id;  // "x/a"
    IpAddress ip;
    std::string node;
    IpAddress clusterIp;     // of its Service s-<ns>-<pod>
    std::string interface_;  // host side of its veth, on `node`
};

// One pod per line: "x/a 10.244.1.10 node-a 10.96.0.11 np-xa"; '#' starts a comment.
Result<std::vector<PodPlacement>> readPlacements(std::istream& in, const std::string& name);

// "[[networkPolicies]]" for one networking.k8s.io/v1 NetworkPolicy, symbolic
// CIDRs resolved. A field the snapshot cannot carry is an error, never
// dropped: a lost field would change what the policy allows.
Result<std::string> networkPolicyToml(const nlohmann::json& policy, const PodIps& ips, const std::string& where);

struct RenderRequest {
    const Case& testCase;
    int step;  // for errors
    const CaseState& state;
    const std::vector<PodPlacement>& placements;  // every pod of the model
    std::string selfNode;                         // whose snapshot: its pods get `interface`
};

Result<std::string> renderSnapshotObjects(const RenderRequest& request);

}  // namespace nodeplane::netpol
