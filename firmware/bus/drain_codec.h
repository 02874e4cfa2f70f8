// DrainStatus on the wire, (bbasttu): draining, exiting, reasons, sinceUsec,
// movedAwayUsec, drainSeconds. GetStatus() ends with it; Drain() and
// Undrain() return (s message, the same struct).
#pragma once

#include <systemd/sd-bus.h>

#include "bus/node_status.h"

namespace nodeplane::bus {

inline constexpr const char* kDrainSignature = "(bbasttu)";
inline constexpr const char* kDrainOutcomeSignature = "s(bbasttu)";

// Negative errno on failure, as sd-bus does.
int appendDrain(sd_bus_message* message, const DrainStatus& drain);
int readDrain(sd_bus_message* message, DrainStatus& drain);

}  // namespace nodeplane::bus
