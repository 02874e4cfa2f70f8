// What the datapath must do with the first packet of a connection, given the
// compiled services: the reference decision the BPF service code implements,
// written out so tests (and the datapath's own tests) can check it per flow.
// Pure; the datapath does the same lookups in its maps.
#pragma once

#include <cstdint>
#include <vector>

#include "common/ip.h"
#include "compiler/services.h"

namespace nodeplane::compiler {

enum class SourceKind : std::uint8_t {
    Pod,       // source in the cluster's pod CIDRs
    Host,      // the node itself
    External,  // anything else, arriving through the node
};

struct Flow {
    IpAddress source;
    SourceKind sourceKind = SourceKind::Pod;
    state::Protocol protocol = state::Protocol::TCP;
    IpAddress destination;
    std::uint16_t port = 0;
};

// Node facts that are configuration, not cluster state.
struct FlowContext {
    std::vector<IpAddress> nodePortAddresses;  // node addresses NodePorts answer on
    std::vector<IpPrefix> serviceCIDRs;        // unallocated addresses in them are dropped
};

enum class FlowResult : std::uint8_t {
    DNAT,               // to one of `eligible`
    Reject,             // ICMP port unreachable
    Drop,
    NotServiceTraffic,  // no service rule: the packet goes on as ordinary traffic
};

struct FlowDecision {
    FlowResult result = FlowResult::NotServiceTraffic;
    const Frontend* frontend = nullptr;  // the frontend matched, if any
    std::vector<ServiceBackend> eligible;
    bool masquerade = false;  // before the per-backend hairpin rule, see masqueradeTo()
};

FlowDecision decideFlow(const DesiredServices& services, const FlowContext& context, const Flow& flow);

// Whether the connection is source-NATed when `backend` is chosen: the
// frontend's rule, or a hairpin (the client is that backend).
bool masqueradeTo(const FlowDecision& decision, const Flow& flow, const ServiceBackend& backend);

}  // namespace nodeplane::compiler
