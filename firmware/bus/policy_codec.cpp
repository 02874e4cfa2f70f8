#include "bus/policy_codec.h"

#include <string>

#include "bus/message_strings.h"

namespace nodeplane::bus {
namespace {

constexpr const char* kAllow = "(sussqqus)";

int appendIdentity(sd_bus_message* m, const IdentityRecord& i) {
    int r = sd_bus_message_open_container(m, 'r', "ussasu");
    if (r < 0) return r;
    if ((r = sd_bus_message_append(m, "uss", i.id, i.kind.c_str(), i.name.c_str())) < 0) return r;
    if ((r = appendStrings(m, i.labels)) < 0) return r;
    if ((r = sd_bus_message_append(m, "u", i.addresses)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int readIdentity(sd_bus_message* m, IdentityRecord& i) {
    const char* kind = nullptr;
    const char* name = nullptr;
    int r = sd_bus_message_read(m, "uss", &i.id, &kind, &name);
    if (r < 0) return r;
    i.kind = kind;
    i.name = name;
    if ((r = readStrings(m, i.labels)) < 0) return r;
    return sd_bus_message_read(m, "u", &i.addresses);
}

int readAllows(sd_bus_message* m, std::vector<PolicyAllowRecord>& allows) {
    int r = sd_bus_message_enter_container(m, 'a', kAllow);
    if (r < 0) return r;
    for (;;) {
        PolicyAllowRecord a;
        const char *direction = nullptr, *remote = nullptr, *protocol = nullptr, *policy = nullptr;
        r = sd_bus_message_read(m, kAllow, &direction, &a.remoteIdentity, &remote, &protocol, &a.portFirst,
                                &a.portLast, &a.policyId, &policy);
        if (r <= 0) break;
        a.direction = direction;
        a.remote = remote;
        a.protocol = protocol;
        a.policy = policy;
        allows.push_back(std::move(a));
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

}  // namespace

int appendIdentities(sd_bus_message* m, const std::vector<IdentityRecord>& identities) {
    int r = sd_bus_message_open_container(m, 'a', "(ussasu)");
    if (r < 0) return r;
    for (const auto& i : identities)
        if ((r = appendIdentity(m, i)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int appendEndpointPolicy(sd_bus_message* m, const EndpointPolicyRecord& p) {
    int r = sd_bus_message_append(m, "suubb", p.pod.c_str(), p.endpointId, p.identity,
                                  static_cast<int>(p.ingressIsolated), static_cast<int>(p.egressIsolated));
    if (r < 0) return r;
    if ((r = appendStrings(m, p.ingressPolicies)) < 0) return r;
    if ((r = appendStrings(m, p.egressPolicies)) < 0) return r;
    if ((r = sd_bus_message_open_container(m, 'a', kAllow)) < 0) return r;
    for (const auto& a : p.allows)
        if ((r = sd_bus_message_append(m, kAllow, a.direction.c_str(), a.remoteIdentity, a.remote.c_str(),
                                       a.protocol.c_str(), a.portFirst, a.portLast, a.policyId, a.policy.c_str())) < 0)
            return r;
    return sd_bus_message_close_container(m);
}

Result<std::vector<IdentityRecord>> readIdentities(sd_bus_message* m) {
    if (sd_bus_message_has_signature(m, kIdentitiesSignature) <= 0)
        return versionMismatch(m, "identities", kIdentitiesSignature);
    std::vector<IdentityRecord> out;
    int r = sd_bus_message_enter_container(m, 'a', "(ussasu)");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "ussasu")) > 0) {
        IdentityRecord i;
        if ((r = readIdentity(m, i)) < 0) break;
        if ((r = sd_bus_message_exit_container(m)) < 0) break;
        out.push_back(std::move(i));
    }
    if (r >= 0) r = sd_bus_message_exit_container(m);
    if (r < 0) return Error::fromErrno(r, "Failed to decode the daemon's identities");
    return out;
}

Result<EndpointPolicyRecord> readEndpointPolicy(sd_bus_message* m) {
    if (sd_bus_message_has_signature(m, kEndpointPolicySignature) <= 0)
        return versionMismatch(m, "pod policy", kEndpointPolicySignature);
    EndpointPolicyRecord p;
    const char* pod = nullptr;
    int ingress = 0, egress = 0;
    int r = sd_bus_message_read(m, "suubb", &pod, &p.endpointId, &p.identity, &ingress, &egress);
    if (r >= 0) {
        p.pod = pod;
        p.ingressIsolated = ingress != 0;
        p.egressIsolated = egress != 0;
        r = readStrings(m, p.ingressPolicies);
    }
    if (r >= 0) r = readStrings(m, p.egressPolicies);
    if (r >= 0) r = readAllows(m, p.allows);
    if (r < 0) return Error::fromErrno(r, "Failed to decode the daemon's pod policy");
    return p;
}

}  // namespace nodeplane::bus
