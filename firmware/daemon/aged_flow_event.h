// A flow conntrack ageing removed, as the flow-close event `nodeplanectl
// observe` and the metrics take: the datapath reports a TCP close at its
// FIN or RST, but UDP flows and TCP flows that just go quiet end only when
// the daemon ages them out (conntrack_gc.h), so the daemon reports those.
#pragma once

#include <chrono>
#include <optional>

#include "datapath/conntrack.h"
#include "datapath/service_types.h"
#include "observe/flow_event.h"

namespace nodeplane::daemon {

// A FlowClose event with cause IdleTimeout at `now`, named as the flow's
// client sent it, like the datapath's close records:
//   ORIGINAL entry (service flow)    client -> frontend
//   ORIGINAL entry (NetworkPolicy)   the flow's first packet's direction
//   REPLY entry (its ORIGINAL gone)  client -> `frontend`, or -> the backend
//                                    when the frontend is gone too
// The client of a REPLY is its nat fields when the flow was masqueraded.
observe::FlowEvent agedFlowEvent(const datapath::ConntrackEntry& entry,
                                 const std::optional<datapath::RevNatTarget>& frontend,
                                 std::chrono::system_clock::time_point now);

}  // namespace nodeplane::daemon
