// The command line of np-traffic-probe, parsed into plain values so the
// parser is tested without sockets.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::probe {

enum class TargetKind : std::uint8_t {
    Served,  // every connection must be answered (--target)
    Denied,  // no connection may ever be established (--denied): policy holds
};

struct Target {
    std::string name;  // as given before '=', names the target in the report
    sockaddr_in address{};
    TargetKind kind = TargetKind::Served;

    std::string describeAddress() const;  // "10.96.0.10:80"
};

struct ProbeOptions {
    std::vector<Target> targets;
    unsigned ratePerSecond = 20;  // new connections per target per second
    bool longLived = false;       // also hold one connection per served target
    unsigned timeoutMs = 1000;    // an answer (or, denied, a connection) within this
    unsigned durationMs = 0;      // 0: until SIGTERM or SIGINT
    std::string reportPath;       // empty: the report goes to stdout
};

// args excludes the program name. Errors name the argument at fault.
Result<ProbeOptions> parseProbeOptions(const std::vector<std::string>& args);

// "NAME=IP:PORT", IPv4 only (the e2e topologies are IPv4).
Result<Target> parseTarget(const std::string& spec, TargetKind kind);

}  // namespace nodeplane::probe
