// `make bench`: what datapath events cost. Two figures, both from this run:
//  - per-packet cost of the paths that report (a policy denial decided on
//    every packet, an ICMP echo decided and allowed on every packet, a
//    dropped packet) with events on versus off, as a ratio, while a reader
//    thread drains the ring as the daemon's loop would;
//  - how many records per second that reader absorbs before the datapath
//    starts counting losses: a producer repeats a dropping packet with
//    BPF_PROG_TEST_RUN as fast as one CPU can, the reader counts what it
//    receives, events_lost what was not written.
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "datapath/events.h"
#include "nodeplane/abi/endpoints.h"
#include "nodeplane/abi/events.h"
#include "support/bench_baseline.h"
#include "support/bpf_test_run.h"
#include "support/datapath_fixture.h"
#include "support/packet_builder.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

namespace {

constexpr std::uint32_t kRepeat = 100'000;
constexpr int kRounds = 7;
constexpr std::uint32_t kAbsorbRepeat = 2'000'000;  // records offered in the absorb figure
constexpr std::uint32_t kBatchWakeupBytes = 64 * 1024;

constexpr const char* kPodA = "10.200.1.10";
constexpr const char* kPodB = "10.200.1.11";
constexpr const char* kElsewhere = "10.200.2.20";
constexpr const char* kMacPod = "02:00:00:00:0a:0a";
constexpr const char* kMacHost = "02:00:00:00:0a:01";

Bytes tcp(const char* src, const char* dst, std::uint16_t dport) {
    return PacketBuilder().eth(kMacPod, kMacHost).ipv4(src, dst).tcp(40000, dport, tcp_flags::kSyn).build();
}

// Drains the ring on its own thread, as the daemon's loop does on its own
// core: waits for the ring's fd, then consumes everything waiting.
class Drainer {
public:
    explicit Drainer(datapath::EventReader& reader) : reader_(reader), thread_([this] { run(); }) {}
    ~Drainer() { stop(); }
    Drainer(const Drainer&) = delete;
    Drainer& operator=(const Drainer&) = delete;

    std::uint64_t received() const { return received_.load(); }
    void stop() {
        if (!thread_.joinable()) return;
        stop_ = true;
        thread_.join();
    }

private:
    void run() {
        pollfd pfd{reader_.fd(), POLLIN, 0};
        std::uint64_t count = 0;
        const datapath::EventReader::Sink sink = [&](const observe::FlowEvent& e) {
            // Touch the record as a consumer would.
            if (e.length != 0) ++count;
        };
        while (!stop_.load()) {
            ::poll(&pfd, 1, 10);
            if (auto n = reader_.consume(sink); !n) throw std::runtime_error(n.error().message);
            received_.store(count);
        }
        if (auto n = reader_.consume(sink); !n) throw std::runtime_error(n.error().message);
        received_.store(count);
    }

    datapath::EventReader& reader_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> received_{0};
    std::thread thread_;
};

double measure(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t expectAction) {
    auto once = testRun(progFd, frame, ctx);
    if (!once) throw std::runtime_error(once.error().message);
    if (once->retval != expectAction)
        throw std::runtime_error(std::string("unexpected verdict ") + tcActionName(once->retval));
    auto ns = medianNsPerPacket(progFd, frame, ctx, kRepeat, kRounds);
    if (!ns) throw std::runtime_error(ns.error().message);
    return *ns;
}

std::uint64_t lost(datapath::Datapath& dp) {
    auto n = dp.eventsLost();
    if (!n) throw std::runtime_error(n.error().message);
    return *n;
}

// One node's figures: the three paths with events off, then on (with a
// reader draining), then the absorb rate.
struct NodeFigures {
    double off[3] = {};
    double on[3] = {};
    std::uint64_t lostDuringCost = 0;
    double offeredPerSecond = 0;
    double receivedPerSecond = 0;
    std::uint64_t lostAbsorb = 0;
};

const char* const kPaths[3] = {"to_pod, new flow denied by policy", "to_pod, ICMP echo allowed by policy",
                               "from_pod, spoofed source dropped"};

NodeFigures measureNode(std::uint32_t wakeupBytes) {
    DatapathFixture node({.bpffs = "", .maxLocalEndpoints = 16, .maxInterfaces = 64, .eventsWakeupBytes = wakeupBytes});
    auto& dp = node.datapath();
    const int pod = node.addInterface("np-bench-a");
    const int podB = node.addInterface("np-bench-b");
    const SkbContext podCtx{static_cast<std::uint32_t>(pod), static_cast<std::uint32_t>(pod), 0};
    const SkbContext podBCtx{static_cast<std::uint32_t>(podB), static_cast<std::uint32_t>(podB), 0};
    if (!dp.localEndpoints().upsert(*IpAddress::parse(kPodA), {static_cast<std::uint32_t>(pod), 1, 300, 0}) ||
        !dp.localEndpoints().upsert(*IpAddress::parse(kPodB),
                                    {static_cast<std::uint32_t>(podB), 2, 301, NP_ENDPOINT_F_INGRESS_ISOLATED}))
        throw std::runtime_error("cannot write the local endpoints");
    // Pod B admits ICMP from everyone and nothing else: every TCP SYN into
    // it is decided and denied, every echo decided and allowed (ICMP has no
    // conntrack entry), so each repetition takes the same path.
    if (!dp.policy().upsert(datapath::PolicyMapKey{2, policy::PolicyEntryKey{policy::kIdentityAny,
                                                                             policy::Direction::Ingress, IPPROTO_ICMP,
                                                                             policy::kAnyPort}},
                            17))
        throw std::runtime_error("cannot write the policy entry");
    const Bytes denied = tcp(kElsewhere, kPodB, 81);
    const Bytes echo = PacketBuilder().eth(kMacPod, kMacHost).ipv4(kElsewhere, kPodB).icmpEcho(7, 1).build();
    const Bytes spoofed = tcp(kPodB, kElsewhere, 443);  // from pod A's interface
    const int fromPod = dp.programFd(Program::FromPod);
    const int toPod = dp.programFd(Program::ToPod);
    auto reader = dp.openEventReader();
    if (!reader) throw std::runtime_error(reader.error().message);

    NodeFigures out;
    for (bool on : {false, true}) {
        if (auto ok = dp.setEventMask(on ? NP_EVENTS_F_ALL : 0); !ok) throw std::runtime_error(ok.error().message);
        const std::uint64_t lostBefore = lost(dp);
        Drainer drainer(*reader);
        double* row = on ? out.on : out.off;
        row[0] = measure(toPod, denied, podBCtx, TC_ACT_SHOT);
        row[1] = measure(toPod, echo, podBCtx, TC_ACT_OK);
        row[2] = measure(fromPod, spoofed, podCtx, TC_ACT_SHOT);
        drainer.stop();
        if (on) out.lostDuringCost = lost(dp) - lostBefore;
    }

    // Absorb rate: one producer, one reader, a ring of the default size.
    if (auto ok = dp.setEventMask(NP_EVENTS_F_DROP); !ok) throw std::runtime_error(ok.error().message);
    const std::uint64_t lostBefore = lost(dp);
    Drainer drainer(*reader);
    const auto start = std::chrono::steady_clock::now();
    auto run = testRun(fromPod, spoofed, podCtx, kAbsorbRepeat);
    const auto produced = std::chrono::steady_clock::now();
    if (!run) throw std::runtime_error(run.error().message);
    drainer.stop();
    const std::uint64_t received = drainer.received();
    out.lostAbsorb = lost(dp) - lostBefore;
    const double seconds = std::chrono::duration<double>(produced - start).count();
    out.offeredPerSecond = kAbsorbRepeat / seconds;
    out.receivedPerSecond = static_cast<double>(received) / seconds;
    if (received + out.lostAbsorb != kAbsorbRepeat)
        throw std::runtime_error("received " + std::to_string(received) + " + lost " + std::to_string(out.lostAbsorb) +
                                 " != offered " + std::to_string(kAbsorbRepeat));
    return out;
}

void print(const char* title, const NodeFigures& f) {
    std::printf("%s\n", title);
    std::printf("  %-38s %10s %10s %8s\n", "path", "off ns", "on ns", "on/off");
    for (int i = 0; i < 3; ++i) std::printf("  %-38s %10.1f %10.1f %8.2f\n", kPaths[i], f.off[i], f.on[i], f.on[i] / f.off[i]);
    std::printf("  records lost while measuring cost: %llu\n", static_cast<unsigned long long>(f.lostDuringCost));
    std::printf("  absorb (%u drop records offered): %.0f/s offered, %.0f/s received, %llu lost (%.1f%%)\n",
                kAbsorbRepeat, f.offeredPerSecond, f.receivedPerSecond, static_cast<unsigned long long>(f.lostAbsorb),
                100.0 * static_cast<double>(f.lostAbsorb) / kAbsorbRepeat);
}

}  // namespace

int main() try {
    auto baseline = EmptyBaseline::load();
    if (!baseline) throw std::runtime_error(baseline.error().message);
    double empty = 0;
    {
        DatapathFixture node({.bpffs = "", .maxLocalEndpoints = 16, .maxInterfaces = 64});
        const int pod = node.addInterface("np-bench-a");
        const SkbContext ctx{static_cast<std::uint32_t>(pod), static_cast<std::uint32_t>(pod), 0};
        empty = measure(baseline->programFd(), tcp(kPodB, kElsewhere, 443), ctx, TC_ACT_OK);
    }
    const NodeFigures everyRecord = measureNode(0);
    const NodeFigures batched = measureNode(kBatchWakeupBytes);

    std::printf("datapath events: cost per packet, events off vs on (BPF_PROG_TEST_RUN, median of %d x %u runs,"
                " a reader thread draining a %u KiB ring; empty tc program %.1f ns)\n",
                kRounds, kRepeat, NP_DEFAULT_EVENTS_RING_BYTES / 1024, empty);
    print("reader woken for every record (eventsWakeupBytes 0, the default):", everyRecord);
    print(("reader woken per " + std::to_string(kBatchWakeupBytes / 1024) + " KiB waiting (eventsWakeupBytes), "
           "and on its 10 ms poll timeout:").c_str(),
          batched);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "events_bench: %s\n", e.what());
    return 1;
}
