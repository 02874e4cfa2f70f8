// The client side of org.nodeplane.Control1, for nodeplanectl: one blocking
// call at a time over the daemon's socket or the system bus.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bus/bus_handles.h"
#include "bus/listings.h"
#include "bus/names.h"
#include "bus/node_status.h"
#include "common/result.h"

namespace nodeplane::bus {

// Which daemon to talk to.
struct Target {
    std::string socketPath = kDefaultSocketPath;
    bool systemBus = false;  // by name on the system bus instead of the socket

    // "/run/nodeplane/control.sock" or "org.nodeplane.Control1 on the system bus"
    std::string describe() const;
};

struct ReloadOutcome {
    bool applied = false;
    std::string message;  // what was applied, or why the reload was refused
};

class ControlClient {
public:
    // Connects and pings the daemon. An error here means the daemon cannot be
    // reached (not running, wrong path, no permission); the message names the target.
    static Result<ControlClient> connect(const Target& target);

    // Errors from these are the daemon's (it answered with an error or broke off).
    Result<NodeStatus> status();
    Result<ReloadOutcome> reload();
    Result<std::vector<ServiceRecord>> services();
    Result<ConntrackListing> conntrack();
    Result<std::uint64_t> flushConntrack();  // entries removed
    Result<std::vector<IdentityRecord>> identities();
    Result<EndpointPolicyRecord> policy(const std::string& pod);  // "namespace/name"
    Result<DrainOutcome> drain();
    // An Error also when the daemon refuses (it drains to exit); the message says why.
    Result<DrainOutcome> undrain();

private:
    ControlClient(BusPtr bus, const char* destination) : bus_(std::move(bus)), destination_(destination) {}

    BusPtr bus_;
    const char* destination_;  // nullptr peer-to-peer: there is no bus to route by name
};

}  // namespace nodeplane::bus
