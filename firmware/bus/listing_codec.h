// The listings on the wire. Both sides use these functions, so they cannot
// drift apart.
//   ListServices() -> services a(sqssasuuuuya(usqbb)):
//     address, port, protocol, scope, flags, affinityTimeoutSeconds,
//     serviceId, revNatId, backendCount, activeHalf,
//     backends (id, address, port, local, terminating)
//   ListConntrack() -> entries a(sssqsqstttuuybbsq), total t:
//     direction, protocol, source, sourcePort, destination, destinationPort,
//     state, ageNs, idleNs, timeoutNs, backendId, revNatId, tcpFlags,
//     closing, external, natAddress, natPort
//   FlushConntrack() -> removed t
#pragma once

#include <systemd/sd-bus.h>

#include <vector>

#include "bus/listings.h"
#include "common/result.h"

namespace nodeplane::bus {

inline constexpr const char* kServicesSignature = "a(sqssasuuuuya(usqbb))";
inline constexpr const char* kConntrackSignature = "a(sssqsqstttuuybbsq)t";

// Append the out arguments to a method return; a negative errno on failure.
int appendServices(sd_bus_message* message, const std::vector<ServiceRecord>& services);
int appendConntrack(sd_bus_message* message, const ConntrackListing& listing);

// Read them back from the replies.
Result<std::vector<ServiceRecord>> readServices(sd_bus_message* message);
Result<ConntrackListing> readConntrack(sd_bus_message* message);

}  // namespace nodeplane::bus
