// One line of the policy action log, in the format of GKE's network policy
// logging (jsonPayload of its log entries), so existing parsers and queries
// keep working:
//   {"connection":{"src_ip":..,"dest_ip":..,"src_port":..,"dest_port":..,
//    "protocol":"tcp","direction":"ingress"},"disposition":"allow",
//    "policies":[{"name":..,"namespace":..,"kind":"NetworkPolicy"}],
//    "src":{..},"dest":{..},"count":1,"node_name":..,"timestamp":..}
// Only the fields that apply are written: ports only for TCP, UDP and SCTP,
// `policies` only on allows, workload fields only when known.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "observe/flow_event.h"
#include "observe/protocol_name.h"

namespace nodeplane::policylog {

struct PolicyRecord {
    observe::EnrichedFlow flow;  // a PolicyVerdict; for aggregated denials, the first one
    std::uint64_t count = 1;     // connections this record stands for
    std::string nodeName;        // "" leaves node_name out
};

// The record as one JSON object, without the trailing newline.
std::string recordJson(const PolicyRecord& record);

// "tcp", "udp", ... (observe/protocol_name.h).
using observe::protocolName;

// "ingress" | "egress".
std::string_view directionName(observe::PolicyDirection direction);
// Whether the protocol has ports the record should show.
bool protocolHasPorts(std::uint8_t protocol);

// RFC 3339 in UTC with the fraction as Go's time.RFC3339Nano writes it
// (GKE's `timestamp`): nanoseconds with trailing zeros dropped, and no
// fraction at all when it is zero: "2020-06-13T21:29:31.445836587Z".
std::string formatRfc3339Nano(std::chrono::system_clock::time_point time);

}  // namespace nodeplane::policylog
