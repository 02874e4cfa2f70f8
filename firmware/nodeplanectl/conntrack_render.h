// `nodeplanectl conntrack list` output, as pure functions of the daemon's
// listing.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "bus/listings.h"

namespace nodeplane::ctl {

// The stable JSON form; field names are a contract with scripts (jq):
// {"total","entries":[{"direction","protocol","source","sourcePort",
//   "destination","destinationPort","state","ageSeconds","idleSeconds",
//   "timeoutSeconds","backendId","revNatId","tcpFlags" (letters, "SA"),
//   "closing","external","nat" ({"address","port"}; null: none)}]}
// Seconds are whole (rounded down).
nlohmann::ordered_json conntrackToJson(const bus::ConntrackListing& listing);

// A table, one line per entry, flow by flow.
std::string conntrackToText(const bus::ConntrackListing& listing);

// The TCP header flags of `bits` as letters, FIN first: "FSRPAUEC".
std::string tcpFlagLetters(std::uint8_t bits);

}  // namespace nodeplane::ctl
