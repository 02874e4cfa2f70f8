// What `nodeplanectl identities` and `nodeplanectl policy POD` show, built
// from what the policy maps hold (read by the caller) and the names the
// daemon's last compiled policy gives their numbers. Pure, so it is
// unit-tested without maps.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bus/listings.h"
#include "common/result.h"
#include "datapath/policy_tables.h"
#include "policy/desired_policy.h"

namespace nodeplane::daemon {

std::vector<bus::IdentityRecord> identityRecords(const policy::DesiredPolicy& compiled,
                                                 const std::map<IpPrefix, policy::IpcacheEntry>& ipcache);

// `pod` is "namespace/name"; an error when it is not a pod on this node.
Result<bus::EndpointPolicyRecord> endpointPolicyRecord(const std::string& pod, const policy::DesiredPolicy& compiled,
                                                       const std::map<datapath::PolicyMapKey, std::uint32_t>& entries);

}  // namespace nodeplane::daemon
