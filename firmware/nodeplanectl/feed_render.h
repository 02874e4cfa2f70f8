// How nodeplanectl shows the API server as a state source (status), as pure
// functions of a StateFeedStatus and the clock. Shown only for
// [state] source = "kubernetes": a snapshot node has no feed.
#pragma once

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

#include "bus/node_status.h"

namespace nodeplane::ctl {

// {"degraded","degradedReason","servingLastKnown","synced","connected","lastError",
//  "lastContact" (RFC 3339; null: never),"lastKnownPath","lastKnownSaved" (RFC 3339; null: not yet),
//  "relists","watchRestarts","events","errors"}
nlohmann::ordered_json feedToJson(const bus::StateFeedStatus& feed);

// The lines under "State:": "API:      synced, connected, last answer 2 s ago (...)",
// "Degraded: <reason>" when degraded, "Saved:    <path> 4 s ago".
std::string feedToText(const bus::StateFeedStatus& feed, std::chrono::system_clock::time_point now);

}  // namespace nodeplane::ctl
