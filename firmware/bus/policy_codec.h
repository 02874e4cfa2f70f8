// The policy listings on the wire; both sides use these functions.
//   ListIdentities() -> identities a(ussasu):
//     id, kind, name, labels, addresses
//   GetPolicy(s pod) -> pod s, endpointId u, identity u, ingressIsolated b,
//     egressIsolated b, ingressPolicies as, egressPolicies as,
//     allows a(sussqqus): direction, remoteIdentity, remote, protocol,
//     portFirst, portLast, policyId, policy
#pragma once

#include <systemd/sd-bus.h>

#include <vector>

#include "bus/listings.h"
#include "common/result.h"

namespace nodeplane::bus {

inline constexpr const char* kIdentitiesSignature = "a(ussasu)";
inline constexpr const char* kEndpointPolicySignature = "suubbasasa(sussqqus)";

int appendIdentities(sd_bus_message* message, const std::vector<IdentityRecord>& identities);
int appendEndpointPolicy(sd_bus_message* message, const EndpointPolicyRecord& policy);

Result<std::vector<IdentityRecord>> readIdentities(sd_bus_message* message);
Result<EndpointPolicyRecord> readEndpointPolicy(sd_bus_message* message);

}  // namespace nodeplane::bus
