#include "daemon_events/bare_reader.h"

#include <linux/pkt_cls.h>
#include <poll.h>
#include <time.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "daemon_events/bench_node.h"
#include "datapath/events.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/events.h"
#include "support/datapath_fixture.h"

namespace nodeplane::bench {
namespace {

// As the daemon's consume timer: records below the wakeup mark are read at
// least this often.
constexpr int kPollTimeoutMs = 100;
constexpr std::uint32_t kEndpointB = 2;
constexpr std::uint32_t kIdentityB = 301;

// Waits for the reader's fd and consumes everything waiting, until stopped;
// then takes what is left.
class ReaderThread {
public:
    explicit ReaderThread(datapath::EventReader& reader) : reader_(reader), thread_([this] { run(); }) {}
    ~ReaderThread() { stop(); }
    ReaderThread(const ReaderThread&) = delete;
    ReaderThread& operator=(const ReaderThread&) = delete;

    // Joins the thread; the records it read, or throws what it failed with.
    std::uint64_t stop() {
        if (thread_.joinable()) {
            stop_ = true;
            thread_.join();
        }
        if (!error_.empty()) throw std::runtime_error(error_);
        return read_;
    }
    // Its CPU time, user and kernel, once stopped.
    double cpuSeconds() const { return cpuSeconds_; }

private:
    void run() noexcept {
        pollfd pfd{reader_.fd(), POLLIN, 0};
        const datapath::EventReader::Sink count = [this](const observe::FlowEvent& e) {
            if (e.kind == observe::FlowEventKind::PolicyVerdict) ++read_;
        };
        for (bool last = false; !last;) {
            last = stop_.load();
            ::poll(&pfd, 1, kPollTimeoutMs);
            if (auto n = reader_.consume(count); !n) {
                error_ = n.error().message;
                return;
            }
        }
        timespec used{};
        ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &used);
        cpuSeconds_ = static_cast<double>(used.tv_sec) + static_cast<double>(used.tv_nsec) / 1e9;
    }

    datapath::EventReader& reader_;
    std::atomic<bool> stop_{false};
    std::uint64_t read_ = 0;
    double cpuSeconds_ = 0;
    std::string error_;
    std::thread thread_;
};

}  // namespace

Absorbed bareReaderAbsorb(const std::vector<test::Bytes>& frames, std::uint32_t wakeupBytes,
                          std::chrono::milliseconds duration) {
    datapath::Options options;
    options.bpffs = "";
    options.maxLocalEndpoints = 16;
    options.maxInterfaces = 64;
    options.eventsWakeupBytes = wakeupBytes;
    test::DatapathFixture node(options);
    auto& dp = node.datapath();
    const int podB = node.addInterface("np-b");
    // Isolated with no policy entry: every new flow into it is denied.
    auto ip = IpAddress::parse(kPodBIp);
    if (!ip || !dp.localEndpoints().upsert(*ip, {static_cast<std::uint32_t>(podB), kEndpointB, kIdentityB,
                                                 NP_ENDPOINT_F_INGRESS_ISOLATED}))
        throw std::runtime_error("cannot write pod b's endpoint");
    auto reader = dp.openEventReader();
    if (!reader) throw std::runtime_error(reader.error().message);
    if (auto ok = dp.setEventMask(NP_EVENTS_F_ALL); !ok) throw std::runtime_error(ok.error().message);
    auto lostBefore = dp.eventsLost();
    if (!lostBefore) throw std::runtime_error(lostBefore.error().message);

    Absorbed out;
    ReaderThread thread(*reader);
    const auto index = static_cast<std::uint32_t>(podB);
    out.offered = offerPaced(dp.programFd(datapath::Program::ToPod), frames, test::SkbContext{index, index, 0}, 0,
                             duration, TC_ACT_SHOT);
    out.read = thread.stop();
    out.readerCpuSeconds = thread.cpuSeconds();
    auto lostAfter = dp.eventsLost();
    if (!lostAfter) throw std::runtime_error(lostAfter.error().message);
    out.lost = *lostAfter - *lostBefore;
    if (out.read + out.lost != out.offered.packets)
        throw std::runtime_error("bare reader: read " + std::to_string(out.read) + " + lost " +
                                 std::to_string(out.lost) + " != offered " + std::to_string(out.offered.packets));
    return out;
}

}  // namespace nodeplane::bench
