// Records offered to the datapath at a steady rate: BPF_PROG_TEST_RUN runs
// of a program that writes one record per packet, sized so the running total
// follows rate x elapsed time within about a millisecond's worth.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "support/bpf_test_run.h"
#include "support/packet_builder.h"

namespace nodeplane::bench {

struct Offered {
    std::uint64_t packets = 0;
    double seconds = 0;  // from the first run to the end of the last
};

// Runs `progFd` on `frames` (one frame per test_run call, round robin) at
// `perSecond` packets a second for `duration`; perSecond 0 runs as fast as
// this thread can. Throws std::runtime_error when a run fails or returns
// a verdict other than `expectedAction`.
Offered offerPaced(int progFd, const std::vector<test::Bytes>& frames, const test::SkbContext& ctx,
                   std::uint64_t perSecond, std::chrono::milliseconds duration, std::uint32_t expectedAction);

}  // namespace nodeplane::bench
