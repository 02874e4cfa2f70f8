#include "daemon/policy_listing.h"

#include <netinet/in.h>

namespace nodeplane::daemon {
namespace {

std::string kindName(policy::IdentityKind kind) {
    switch (kind) {
        case policy::IdentityKind::Reserved: return "reserved";
        case policy::IdentityKind::Pod: return "pod";
        case policy::IdentityKind::Cidr: return "cidr";
    }
    return "?";
}

std::string protocolName(std::uint8_t protocol) {
    switch (protocol) {
        case policy::kAnyProtocol: return "any";
        case IPPROTO_TCP: return "tcp";
        case IPPROTO_UDP: return "udp";
        case IPPROTO_SCTP: return "sctp";
        default: return std::to_string(protocol);
    }
}

std::string remoteName(const policy::DesiredPolicy& compiled, policy::IdentityId id) {
    if (const char* reserved = policy::reservedIdentityName(id)) return reserved;
    auto it = compiled.identities.find(id);
    // An entry the maps hold for an identity this daemon did not compile
    // (a previous daemon's, about to be removed).
    return it == compiled.identities.end() ? "unknown" : policy::describe(it->second);
}

std::string policyName(const policy::DesiredPolicy& compiled, std::uint32_t id) {
    if (id == policy::kPolicyIdHostAllow) return "allow-from-host";
    auto it = compiled.policies.find(id);
    return it == compiled.policies.end() ? "" : it->second;
}

}  // namespace

std::vector<bus::IdentityRecord> identityRecords(const policy::DesiredPolicy& compiled,
                                                 const std::map<IpPrefix, policy::IpcacheEntry>& ipcache) {
    std::map<policy::IdentityId, std::uint32_t> addresses;
    for (const auto& [prefix, entry] : ipcache) {
        ++addresses[entry.identity];
        if (entry.cidrIdentity != policy::kIdentityAny) ++addresses[entry.cidrIdentity];
    }
    std::vector<bus::IdentityRecord> out;
    for (const auto& [id, identity] : compiled.identities) {
        bus::IdentityRecord r;
        r.id = id;
        r.kind = kindName(identity.kind);
        switch (identity.kind) {
            case policy::IdentityKind::Reserved: r.name = remoteName(compiled, id); break;
            case policy::IdentityKind::Pod: r.name = identity.namespace_; break;
            case policy::IdentityKind::Cidr: r.name = identity.cidr ? identity.cidr->toString() : ""; break;
        }
        for (const auto& [k, v] : identity.labels) r.labels.push_back(k + "=" + v);
        auto n = addresses.find(id);
        r.addresses = n == addresses.end() ? 0 : n->second;
        out.push_back(std::move(r));
    }
    return out;
}

Result<bus::EndpointPolicyRecord> endpointPolicyRecord(const std::string& pod, const policy::DesiredPolicy& compiled,
                                                       const std::map<datapath::PolicyMapKey, std::uint32_t>& entries) {
    const policy::EndpointPolicy* ep = nullptr;
    for (const auto& e : compiled.endpoints)
        if (e.pod == pod) ep = &e;
    if (!ep) return Error::logical("'" + pod + "' is not a pod on this node");
    bus::EndpointPolicyRecord r;
    r.pod = pod;
    r.endpointId = ep->endpointId;
    r.ingressIsolated = ep->ingressIsolated;
    r.egressIsolated = ep->egressIsolated;
    r.ingressPolicies = ep->ingressPolicies;
    r.egressPolicies = ep->egressPolicies;
    r.identity = ep->identity;
    auto first = entries.lower_bound(datapath::PolicyMapKey{ep->endpointId, {}});
    for (auto it = first; it != entries.end() && it->first.endpointId == ep->endpointId; ++it) {
        const auto& key = it->first.entry;
        bus::PolicyAllowRecord a;
        a.direction = key.direction == policy::Direction::Ingress ? "ingress" : "egress";
        a.remoteIdentity = key.remote;
        a.remote = remoteName(compiled, key.remote);
        a.protocol = protocolName(key.protocol);
        const std::uint32_t span = 1u << (16 - key.port.bits);
        a.portFirst = static_cast<std::uint16_t>(key.port.port & ~(span - 1));
        a.portLast = static_cast<std::uint16_t>(a.portFirst + span - 1);
        a.policyId = it->second;
        a.policy = policyName(compiled, it->second);
        r.allows.push_back(std::move(a));
    }
    return r;
}

}  // namespace nodeplane::daemon
