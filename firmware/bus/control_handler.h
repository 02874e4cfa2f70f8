// What the daemon implements for the control API. Called on the daemon's
// event loop, one call at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bus/listings.h"
#include "bus/node_status.h"
#include "common/result.h"

namespace nodeplane::bus {

class ControlHandler {
public:
    virtual ~ControlHandler() = default;

    // A snapshot of the daemon's state; cheap enough to answer at once.
    virtual NodeStatus status() = 0;

    // Re-reads configuration and state now and applies them. The value says
    // what happened ("applied generation 8"); an Error says why the new input
    // was refused while the old state stays in force.
    virtual Result<std::string> reload() = 0;

    // Every frontend the datapath holds, read from the maps, sorted.
    virtual Result<std::vector<ServiceRecord>> listServices() = 0;
    // Every conntrack entry, decoded, flow by flow (at most the first
    // kMaxListedConntrackEntries; `total` counts them all).
    virtual Result<ConntrackListing> listConntrack() = 0;
    // Deletes every conntrack entry; returns how many. Established flows
    // pick a backend again on their next packet.
    virtual Result<std::uint64_t> flushConntrack() = 0;

    // Every identity the policy datapath knows, by id, with how many
    // ipcache entries map to it.
    virtual Result<std::vector<IdentityRecord>> listIdentities() = 0;
    // A local pod's ("namespace/name") isolation, the policies that select
    // it and every entry of its policy map, read from the map.
    virtual Result<EndpointPolicyRecord> policyOf(const std::string& pod) = 0;

    // A manual drain: /healthz 503, forwarding continues, the daemon keeps
    // running and stays drained across restarts until undrain().
    virtual Result<DrainOutcome> drain() = 0;
    // Ends a manual drain; an Error while the daemon drains to exit.
    virtual Result<DrainOutcome> undrain() = 0;
};

// Bounds a ListConntrack reply: sd-bus refuses an array over 64 MiB, and a
// listing that size is for bpftool, not a terminal.
inline constexpr std::size_t kMaxListedConntrackEntries = 200000;

}  // namespace nodeplane::bus
