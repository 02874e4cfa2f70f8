// Sends a burst of UDP datagrams, each from its own source port, so each is
// a new flow for the datapath: a raw socket (root) lets one socket send from
// any port without binding thousands, and sendmmsg() sends a tick's batch in
// one system call, so a 2-core machine reaches tens of thousands a second.
#pragma once

#include <chrono>
#include <cstdint>

#include "burst_options.h"
#include "common/result.h"

namespace nodeplane::burst {

struct BurstResult {
    std::uint32_t sent = 0;
    std::chrono::nanoseconds elapsed{0};  // first send to last send
    std::chrono::system_clock::time_point end;  // wall clock after the last send
};

// Runs the whole burst, paced by dueBy(); blocks until the last datagram went.
Result<BurstResult> runBurst(const BurstOptions& options);

}  // namespace nodeplane::burst
