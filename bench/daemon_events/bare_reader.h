// The ceiling the daemon is compared with: the same records, offered the
// same way, absorbed by a bare EventReader on a thread of its own (decode
// only: no naming, no policy log, no stream), over a Datapath this process
// opens in a namespace and bpffs of its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "daemon_events/paced_offer.h"

namespace nodeplane::bench {

struct Absorbed {
    Offered offered;
    std::uint64_t read = 0;
    std::uint64_t lost = 0;
    double readerCpuSeconds = 0;  // the reader thread's own CPU time
};

// `frames`: TCP SYNs from outside the cluster to kPodBIp, denied by policy
// (one record each). Offered as fast as one thread can for `duration`, with
// the ring's wakeup mark at `wakeupBytes` (0: a wakeup per record). Throws
// std::runtime_error.
Absorbed bareReaderAbsorb(const std::vector<test::Bytes>& frames, std::uint32_t wakeupBytes,
                          std::chrono::milliseconds duration);

}  // namespace nodeplane::bench
