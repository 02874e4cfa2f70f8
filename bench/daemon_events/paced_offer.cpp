#include "daemon_events/paced_offer.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <thread>

namespace nodeplane::bench {
namespace {

// Between runs the producer sleeps this long when nothing is due: short
// enough that a 400k/s run takes batches of ~200, long enough that the
// producer does not spin on a core the daemon needs.
constexpr auto kIdle = std::chrono::microseconds(500);
// At most this many packets in one run: 5 ms at the highest paced rate, and
// the batch of the unpaced run.
constexpr std::uint64_t kMaxBatch = 4096;

}  // namespace

Offered offerPaced(int progFd, const std::vector<test::Bytes>& frames, const test::SkbContext& ctx,
                   std::uint64_t perSecond, std::chrono::milliseconds duration, std::uint32_t expectedAction) {
    if (frames.empty()) throw std::logic_error("offerPaced: no frames");
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto end = start + duration;
    Offered out;
    std::size_t next = 0;
    for (auto now = start; now < end; now = Clock::now()) {
        std::uint64_t batch = kMaxBatch;
        if (perSecond != 0) {
            const double elapsed = std::chrono::duration<double>(now - start).count();
            const auto due = static_cast<std::uint64_t>(elapsed * static_cast<double>(perSecond));
            batch = std::min(kMaxBatch, due > out.packets ? due - out.packets : 0);
            if (batch == 0) {
                std::this_thread::sleep_for(kIdle);
                continue;
            }
        }
        auto run = test::testRun(progFd, frames[next++ % frames.size()], ctx, static_cast<std::uint32_t>(batch));
        if (!run) throw std::runtime_error("test_run: " + run.error().message);
        if (run->retval != expectedAction)
            throw std::runtime_error(std::string("test_run returned ") + test::tcActionName(run->retval) +
                                     ", expected " + test::tcActionName(expectedAction));
        out.packets += batch;
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return out;
}

}  // namespace nodeplane::bench
