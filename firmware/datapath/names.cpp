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
    case NP_STAT_SERVICE_TRANSLATED: return "service_translated";
    case NP_STAT_REVERSE_TRANSLATED: return "reverse_translated";
    case NP_STAT_CT_CREATED: return "ct_created";
    case NP_STAT_CT_RESELECTED: return "ct_reselected";
    case NP_STAT_SERVICE_REJECTED: return "service_rejected";
    case NP_STAT_FORWARDED_ROUTED: return "forwarded_routed";
    case NP_STAT_SERVICE_RESET: return "service_reset";
    case NP_STAT_SNAT_CREATED: return "snat_created";
    case NP_STAT_POLICY_ALLOWED: return "policy_allowed";
    case NP_STAT_EVENTS_LOST: return "events_lost";
    case NP_STAT_SOCK_CONNECT_TRANSLATED: return "sock_connect_translated";
    case NP_STAT_SOCK_SENDMSG_TRANSLATED: return "sock_sendmsg_translated";
    case NP_STAT_SOCK_REJECTED: return "sock_rejected";
    case NP_STAT_SOCK_RECVMSG_REVERSED: return "sock_recvmsg_reversed";
    case NP_STAT_SOCK_PEERNAME_REVERSED: return "sock_peername_reversed";
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
    case NP_DROP_NO_BACKEND: return "no_backend";
    case NP_DROP_SOURCE_RANGE_DENIED: return "source_range_denied";
    case NP_DROP_CT_MAP_FULL: return "ct_map_full";
    case NP_DROP_UNSUPPORTED_L4: return "unsupported_l4";
    case NP_DROP_BACKEND_GONE: return "backend_gone";
    case NP_DROP_SNAT_NO_PORT: return "snat_no_port";
    case NP_DROP_NO_ROUTE: return "no_route";
    case NP_DROP_POLICY_DENIED: return "policy_denied";
    case NP_DROP_UNALLOCATED_CLUSTER_IP: return "unallocated_cluster_ip";
    case NP_DROP__COUNT: break;
    }
    return {};
}

}  // namespace nodeplane::datapath
