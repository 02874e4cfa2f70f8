// The command line of np-flow-burst, parsed into plain values so the parser
// is tested without sockets.
#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::burst {

struct BurstOptions {
    sockaddr_in destination{};        // --to IP:PORT, IPv4 (the e2e topologies are)
    std::uint16_t firstSourcePort = 20000;  // datagram i leaves from firstSourcePort + i
    std::uint32_t count = 1000;       // datagrams, one per flow
    std::uint32_t ratePerSecond = 5000;
    std::uint32_t payloadBytes = 16;  // after the 8-byte UDP header
};

// args excludes the program name. Errors name the argument at fault; a
// source port range that would run past 65535 is refused.
Result<BurstOptions> parseBurstOptions(const std::vector<std::string>& args);

}  // namespace nodeplane::burst
