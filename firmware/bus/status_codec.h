// NodeStatus on the wire: GetStatus() returns it as typed out arguments,
//   node s, stateSource s, statePath s, phase s, healthy b,
//   generation t, appliedUsec t, lastRefusedReload s, pendingInterfaces as,
//   interfaces a(sisastttt): name, ifindex, role, programs, rx packets/bytes, tx packets/bytes
//   maps a(ssuu): name, type, maxEntries, entries
//   stats a(st): name, value
//   conntrack (uuutttta(st)s): entries, capacity, gcIntervalSeconds, gcPasses,
//     lastGcUsec, lastGcDurationUsec, agedOut, agedOutByState, lastGcError
//   drain (bbasttu): see drain_codec.h
// Both sides use these two functions, so they cannot drift apart.
#pragma once

#include <systemd/sd-bus.h>

#include "bus/node_status.h"
#include "common/result.h"

namespace nodeplane::bus {

inline constexpr const char* kStatusSignature = "ssssbttsasa(sisastttt)a(ssuu)a(st)(uuutttta(st)s)(bbasttu)(bsbbbststtttt)";

// Appends the out arguments to a method return; a negative errno on failure.
int appendStatus(sd_bus_message* message, const NodeStatus& status);

// Reads them back from a GetStatus reply.
Result<NodeStatus> readStatus(sd_bus_message* message);

}  // namespace nodeplane::bus
