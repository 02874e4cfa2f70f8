// An IP protocol number as the policy log and the flow stream name it:
// "tcp", "udp", "icmp", "icmpv6", "sctp", else the number ("47").
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>

namespace nodeplane::observe {

inline std::string protocolName(std::uint8_t protocol) {
    switch (protocol) {
    case IPPROTO_TCP: return "tcp";
    case IPPROTO_UDP: return "udp";
    case IPPROTO_ICMP: return "icmp";
    case IPPROTO_ICMPV6: return "icmpv6";
    case IPPROTO_SCTP: return "sctp";
    default: return std::to_string(protocol);
    }
}

}  // namespace nodeplane::observe
