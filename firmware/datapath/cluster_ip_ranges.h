// The service range ([services] cluster-ip-ranges) as np_cluster_ip_ranges_v1
// holds it: IPv4 prefixes as (address, mask) pairs the datapath tests a
// destination against. IPv6 prefixes are accepted and left out: the datapath
// handles IPv4 only, and passes IPv6 untouched.
#pragma once

#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "nodeplane/abi/services.h"

namespace nodeplane::datapath {

// The map value for `ranges`; more than NP_MAX_CLUSTER_IP_RANGES IPv4
// prefixes, or one with host bits set, is an error.
Result<np_cluster_ip_ranges> encodeClusterIpRanges(const std::vector<IpPrefix>& ranges);
// The IPv4 prefixes of a map value, in order; a count beyond the array is an
// error (not a value the daemon writes).
Result<std::vector<IpPrefix>> decodeClusterIpRanges(const np_cluster_ip_ranges& value);

}  // namespace nodeplane::datapath
