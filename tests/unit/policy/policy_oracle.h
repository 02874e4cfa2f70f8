// What the datapath decides for one packet, computed from a DesiredPolicy the
// way the datapath looks it up (bpf/lib/policy.h): the longest ipcache prefix
// of the remote, then the local endpoint's entries for the remote's
// identity, its ipBlock class and every remote, protocol and port prefixes
// matched as an LPM trie matches them. Lets the compiler be graded against
// the upstream truth tables without a kernel; the datapath is graded against
// the same tables by the packet and end-to-end tests.
#pragma once

#include "policy/desired_policy.h"

namespace nodeplane::policy::test {

inline const IpcacheEntry* ipcacheLookup(const DesiredPolicy& d, const IpAddress& ip) {
    const IpcacheEntry* best = nullptr;
    int bestLength = -1;
    for (const auto& [prefix, entry] : d.ipcache)
        if (prefix.address.family == ip.family && prefix.length > bestLength && prefix.contains(ip)) {
            best = &entry;
            bestLength = prefix.length;
        }
    return best;
}

inline bool portMatches(const PortPrefix& prefix, std::uint16_t port) {
    if (prefix.bits == 0) return true;
    const std::uint16_t mask = static_cast<std::uint16_t>(0xffffu << (16 - prefix.bits));
    return (port & mask) == (prefix.port & mask);
}

// Whether `endpointId` admits (ingress) or may open (egress) a flow with
// `remote` on (protocol, destination port).
inline bool oracleAllows(const DesiredPolicy& d, std::uint32_t endpointId, Direction direction, const IpAddress& remote,
                         std::uint8_t protocol, std::uint16_t port) {
    const EndpointPolicy* ep = nullptr;
    for (const auto& e : d.endpoints)
        if (e.endpointId == endpointId) ep = &e;
    if (!ep) return true;  // not a local endpoint: nothing to enforce here
    if (!(direction == Direction::Ingress ? ep->ingressIsolated : ep->egressIsolated)) return true;
    const IpcacheEntry* id = ipcacheLookup(d, remote);
    IdentityId identities[] = {id ? id->identity : kIdentityWorld, id ? id->cidrIdentity : kIdentityAny, kIdentityAny};
    for (IdentityId remoteId : identities)
        for (const auto& [key, policyId] : ep->allows)
            if (key.remote == remoteId && key.direction == direction &&
                (key.protocol == kAnyProtocol || (key.protocol == protocol && portMatches(key.port, port))))
                return true;
    return false;
}

}  // namespace nodeplane::policy::test
