// One enriched flow as the JSON object `nodeplanectl observe --output json`
// prints, one line each. Field names are an interface: scripts read them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "observe/flow_event.h"
#include "observe/protocol_name.h"

namespace nodeplane::flowstream {

// What happened to the packet: "allow" (a policy allowed it, or the event
// is a forwarded flow's open, close or translation), "deny" (a policy
// denied it) or "drop" (dropped for another reason).
std::string_view flowVerdict(const observe::FlowEvent& event);

// "policy-verdict", "drop", "service-translation", "flow-open", "flow-close".
std::string_view flowKindName(observe::FlowEventKind kind);

// A close record's cause: "finished" (FIN or RST), "idle-timeout"
// (conntrack ageing).
std::string_view closeCauseName(observe::CloseCause cause);

// "tcp", "udp", ... (observe/protocol_name.h).
using observe::protocolName;

// {"time", "kind", "verdict", "protocol", "src", "dst", ...}: keys in a fixed
// order, absent when they do not apply to the kind (see flow_json.cpp).
nlohmann::ordered_json flowToJson(const observe::EnrichedFlow& flow);

// flowToJson() on one line, with the trailing '\n'.
std::string flowJsonLine(const observe::EnrichedFlow& flow);

}  // namespace nodeplane::flowstream
