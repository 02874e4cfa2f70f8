// `nodeplanectl services` output, as pure functions of the daemon's listing.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bus/listings.h"

namespace nodeplane::ctl {

// The stable JSON form; field names are a contract with scripts (jq):
// {"services":[{"address","port","protocol","scope","flags":[words],
//   "affinityTimeoutSeconds","serviceId","revNatId","backendCount","activeHalf",
//   "backends":[{"id","address","port","local","terminating"}]}]}
nlohmann::ordered_json servicesToJson(const std::vector<bus::ServiceRecord>& services);

// A table: one line per frontend, its backends indented below it.
std::string servicesToText(const std::vector<bus::ServiceRecord>& services);

// "10.96.0.10:80", "[fd00::10]:80".
std::string endpointText(const std::string& address, std::uint16_t port);

}  // namespace nodeplane::ctl
