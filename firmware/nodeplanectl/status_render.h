// `nodeplanectl status` output, as pure functions of a NodeStatus (and the
// clock, for "N s ago"), apart from any I/O.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bus/node_status.h"

namespace nodeplane::ctl {

// The stable JSON form; field names are a contract with scripts (jq):
// {"node","phase","healthy","stateSource","statePath","generation",
//  "appliedAt" (RFC 3339; null: never),"appliedUsec" (0: never),
//  "lastError" (the last refused reload; "": none),"pendingInterfaces":[names],
//  "interfaces":[{"name","ifindex","role","programs":[..],"rxPackets","rxBytes","txPackets","txBytes"}],
//  "maps":[{"name","type","entries","maxEntries","fillPercent" (null for arrays)}],
//  "stats":[{"name","value"}],
//  "conntrack":{"entries","capacity","fillPercent","gcIntervalSeconds","gcPasses",
//    "lastGcAt" (RFC 3339; null: no pass yet),"lastGcDurationUsec","lastGcError" ("": none),
//    "agedOut","agedOutByState":{"syn-sent","established","closing","unreplied","replied"}},
//  "drain":{see drainToJson in drain_render.h}}
nlohmann::ordered_json statusToJson(const bus::NodeStatus& status);

std::string statusToText(const bus::NodeStatus& status, std::chrono::system_clock::time_point now);

// entries/maxEntries in percent, one decimal; 0 for a map without room.
double fillPercent(std::uint32_t entries, std::uint32_t maxEntries);
// Array maps have no fill level (fillPercent null, FILL "-").
bool isArray(const bus::MapStatus& map);

}  // namespace nodeplane::ctl
