// BPF_PROG_TEST_RUN for tc programs: run a loaded program once on a frame and
// read back its verdict and the frame it left, or many times for its cost.
// Runs in the calling thread's network namespace: the kernel resolves
// SkbContext::ifindex there, so the interface must exist in it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/result.h"
#include "support/packet_builder.h"

namespace nodeplane::test {

// The __sk_buff fields a tc program reads about where it runs.
struct SkbContext {
    std::uint32_t ifindex = 0;         // the device the program is attached to (skb->dev)
    std::uint32_t ingressIfindex = 0;  // where the packet entered the node
    std::uint32_t mark = 0;
};

struct TestRunResult {
    std::uint32_t retval = 0;      // the tc action (TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT, ...)
    Bytes output;                  // the frame as the program left it
    std::uint32_t durationNs = 0;  // mean time per run, as the kernel measured it
};

Result<TestRunResult> testRun(int progFd, const Bytes& frame, const SkbContext& ctx = {},
                              std::uint32_t repeat = 1);

// Mean nanoseconds per packet over `repeat` runs: the number `make bench`
// reports, best read as a ratio over the empty baseline program measured in
// the same process.
Result<double> nsPerPacket(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t repeat);

// The median of `rounds` nsPerPacket runs: one slow round (an interrupt, a
// neighbour's burst) does not move it.
Result<double> medianNsPerPacket(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t repeat,
                                 int rounds);

// The middle value (the upper one of an even count); 0 for none.
double median(std::vector<double> values);

// "TC_ACT_OK", "TC_ACT_SHOT", ...: for failure messages.
const char* tcActionName(std::uint32_t action);

}  // namespace nodeplane::test
