// `nodeplanectl identities` and `nodeplanectl policy POD` output, as pure
// functions of the daemon's answers.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bus/listings.h"

namespace nodeplane::ctl {

// {"identities":[{"id","kind","name","labels":["k=v"],"addresses"}]}
nlohmann::ordered_json identitiesToJson(const std::vector<bus::IdentityRecord>& identities);
std::string identitiesToText(const std::vector<bus::IdentityRecord>& identities);

// {"pod","endpointId","identity","ingressIsolated","egressIsolated",
//  "ingressPolicies":[..],"egressPolicies":[..],
//  "allows":[{"direction","remoteIdentity","remote","protocol","portFirst","portLast","policyId","policy"}]}
nlohmann::ordered_json policyToJson(const bus::EndpointPolicyRecord& policy);
std::string policyToText(const bus::EndpointPolicyRecord& policy);

}  // namespace nodeplane::ctl
