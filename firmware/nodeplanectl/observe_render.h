// `nodeplanectl observe` in text: one line per flow line of the stream
// (flowstream/flow_json.h), for a person following traffic live.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace nodeplane::ctl {

// "2026-11-28T21:40:05.123Z ALLOW policy default/web-1 10.0.1.5:40000 ->
// data/db-0 10.0.2.7:5432 tcp ingress by data/allow-web", without '\n'.
std::string observeFlowToText(const nlohmann::json& flow);

// For a {"lost": N} line: "-- 17 flows lost: this client read too slowly --".
std::string observeLostToText(std::uint64_t lost);

}  // namespace nodeplane::ctl
