#include "daemon/aged_flow_event.h"

namespace nodeplane::daemon {

observe::FlowEvent agedFlowEvent(const datapath::ConntrackEntry& entry,
                                 const std::optional<datapath::RevNatTarget>& frontend,
                                 std::chrono::system_clock::time_point now) {
    observe::FlowEvent event;
    event.kind = observe::FlowEventKind::FlowClose;
    event.closeCause = observe::CloseCause::IdleTimeout;
    event.time = now;
    event.protocol = static_cast<std::uint8_t>(entry.protocol);  // L4Protocol holds the IPPROTO_ number
    event.revNatId = entry.revNatId;
    if (entry.direction == datapath::ConntrackDirection::Original) {
        event.src = entry.source;
        event.srcPort = entry.sourcePort;
        event.dst = entry.destination;
        event.dstPort = entry.destinationPort;
        return event;
    }
    // REPLY: backend -> client (or -> the masquerade address, the client
    // kept in the nat fields).
    event.src = entry.snat ? entry.natAddress : entry.destination;
    event.srcPort = entry.snat ? entry.natPort : entry.destinationPort;
    event.dst = frontend ? frontend->address : entry.source;
    event.dstPort = frontend ? frontend->port : entry.sourcePort;
    return event;
}

}  // namespace nodeplane::daemon
