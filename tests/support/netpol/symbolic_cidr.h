// The case files' symbolic CIDRs, made real from the harness's pod IPs:
//   podIP(y/b)/32        y/b's IP as a host route (/128 for an IPv6 pod)
//   net4(podIP(x/b))     the /4 network holding x/b's IP (upstream's
//                        makeLargeCIDRForIP); net<N>(...) likewise for any N
// Anything else must already be a CIDR and passes unchanged. A case's
// expectations must not depend on where the harness put the pods, so own cases
// use host routes and net4 only (every pod IP lies in the /4, as upstream assumes).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::netpol {

using PodIps = std::map<std::string, IpAddress>;  // "x/a" -> its pod IP

Result<std::string> resolveCidr(std::string_view text, const PodIps& ips);

// A copy of `policy` with every ipBlock.cidr and ipBlock.except[] resolved.
Result<nlohmann::json> resolvePolicyCidrs(const nlohmann::json& policy, const PodIps& ips, const std::string& where);

}  // namespace nodeplane::netpol
