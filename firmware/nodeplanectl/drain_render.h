// How nodeplanectl shows a drain (status, drain, undrain), as pure functions
// of a DrainStatus and the clock.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "bus/node_status.h"

namespace nodeplane::ctl {

// {"draining","exiting","reasons":[..],"since" (RFC 3339; null: not draining),
//  "movedAwayAt" (RFC 3339; null: not draining),"drainSeconds"}
nlohmann::ordered_json drainToJson(const bus::DrainStatus& drain);

// "not drained", or "drained (manual) since 18:02:11.250Z; load balancers
// moved away 12 s ago", "draining to exit (stop, manual) since ...; load
// balancers should have moved away in 18 s".
std::string drainToText(const bus::DrainStatus& drain, std::chrono::system_clock::time_point now);

}  // namespace nodeplane::ctl
