#include "datapath/names.h"

namespace nodeplane::datapath {

// Switches without a default: -Wswitch (an error here) names any enumerator
// added to the ABI without a name.

std::string_view statName(np_stat stat) {
    switch (stat) {
    case NP_STAT_FORWARDED_LOCAL: return "forwarded_local";
    case NP_STAT_TO_STACK: return "to_stack";
    case NP_STAT_PASSED_NON_IP: return "passed_non_ip";
    case NP_STAT_PASSED_IPV6: return "passed_ipv6";
    case NP_STAT_DELIVERED_TO_POD: return "delivered_to_pod";
    case NP_STAT_TO_NETDEV: return "to_netdev";
    case NP_STAT_IFACE_STATS_FULL: return "iface_stats_full";
    case NP_STAT__COUNT: break;
    }
    return {};
}

std::string_view dropReasonName(np_drop_reason reason) {
    switch (reason) {
    case NP_DROP_MALFORMED: return "malformed";
    case NP_DROP_SPOOFED_SOURCE: return "spoofed_source";
    case NP_DROP_TTL_EXCEEDED: return "ttl_exceeded";
    case NP_DROP_REDIRECT_FAILED: return "redirect_failed";
    case NP_DROP__COUNT: break;
    }
    return {};
}

}  // namespace nodeplane::datapath
