// `make bench`: how many flow-event records a second the real nodeplaned
// absorbs before the datapath starts counting losses (issue 7).
//
// The daemon runs as in production (ring of 4 MiB, policy action log on for
// denials, rate-limited to 500 records a second, file only) in a scratch
// namespace. This program opens the np_to_pod program the daemon pinned and
// runs it with BPF_PROG_TEST_RUN on TCP SYNs into a policy-isolated pod,
// each denied and so one policy verdict record, at paced rates and then as
// fast as one thread can. For each rate it reads the daemon's
// nodeplane_events_read_total and nodeplane_events_lost_total before and
// after, and the daemon's CPU time from /proc. Both wakeup modes run: a
// wakeup per 64 KiB of records ([observe] wakeup-bytes, the default) and a
// wakeup per record (wakeup-bytes = 0). The ceiling, a bare EventReader
// thread on the same records, is measured in the same run.
//
//   daemon_events_bench [path/to/nodeplaned]   (default: $NODEPLANED, else
//                                               the build tree's)
#include <linux/pkt_cls.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon_events/bare_reader.h"
#include "daemon_events/bench_node.h"
#include "daemon_events/metrics_scrape.h"
#include "daemon_events/paced_offer.h"
#include "daemon_events/process_cpu.h"

using namespace nodeplane;
using namespace nodeplane::bench;
using namespace std::chrono_literals;

namespace {

// Records a second offered in turn; 0: as fast as one thread can.
constexpr std::uint64_t kRates[] = {25'000, 50'000, 100'000, 200'000, 400'000, 0};
constexpr auto kPerRate = 2500ms;
constexpr auto kReadyTimeout = 30s;
// After the offer ends, what is left in the ring is read within the consume
// timer's 150 ms; a daemon that has not caught up after this is stuck.
constexpr auto kDrainTimeout = 3s;
constexpr auto kScrapeInterval = 50ms;
constexpr std::uint32_t kBatchedWakeupBytes = 65536;
// Denials from this many source ports, in turn: the policy log folds each
// into its own aggregate, as a scan of one pod would.
constexpr std::uint16_t kSourcePorts = 64;
constexpr const char* kOutside = "10.200.2.20";  // no pod, no node: the world
constexpr std::uint16_t kDeniedPort = 81;

volatile std::sig_atomic_t interrupted = 0;

void checkNotInterrupted() {
    if (interrupted) throw std::runtime_error("interrupted");
}

std::vector<test::Bytes> deniedFrames() {
    std::vector<test::Bytes> frames;
    for (std::uint16_t i = 0; i < kSourcePorts; ++i)
        frames.push_back(test::PacketBuilder()
                             .eth("02:00:00:00:0b:0b", "02:00:00:00:0b:01")
                             .ipv4(kOutside, kPodBIp)
                             .tcp(static_cast<std::uint16_t>(40000 + i), kDeniedPort, test::tcp_flags::kSyn)
                             .build());
    return frames;
}

std::string defaultNodeplaned() {
    if (const char* env = std::getenv("NODEPLANED"); env && *env) return env;
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    return (self.parent_path().parent_path() / "firmware/nodeplaned/nodeplaned").string();
}

// Until the daemon has applied the snapshot (pod b isolated) and one denial
// went all the way through its ring reader: the pinned program.
UniqueFd waitReady(BenchNode& node, const std::vector<test::Bytes>& frames, const test::SkbContext& ctx) {
    const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
    std::string last = "no answer on /metrics";
    while (std::chrono::steady_clock::now() < deadline) {
        checkNotInterrupted();
        if (!node.daemonRunning()) throw std::runtime_error("nodeplaned exited:" + node.daemonLogTail());
        std::this_thread::sleep_for(100ms);
        try {
            const auto before = scrapeEventCounters(kMetricsHost, kMetricsPort);
            UniqueFd prog = node.openPinnedProgram("np_to_pod");
            auto run = test::testRun(prog.get(), frames.front(), ctx);
            if (!run) throw std::runtime_error(run.error().message);
            if (run->retval != TC_ACT_SHOT) {
                last = std::string("a denial returned ") + test::tcActionName(run->retval);
                continue;  // the snapshot is not applied yet
            }
            for (int i = 0; i < 20; ++i) {
                std::this_thread::sleep_for(kScrapeInterval);
                if (scrapeEventCounters(kMetricsHost, kMetricsPort).read > before.read) return prog;
            }
            last = "a denial's record was not read";
        } catch (const std::runtime_error& e) {
            last = e.what();
        }
    }
    throw std::runtime_error("nodeplaned not ready within " + std::to_string(kReadyTimeout.count()) + " s: " + last +
                             node.daemonLogTail());
}

struct Row {
    std::uint64_t perSecond = 0;  // asked; 0: as fast as possible
    Offered offered;
    std::uint64_t read = 0;
    std::uint64_t lost = 0;
    double cpuSeconds = 0;  // the daemon's, while offering

    double offeredPerSecond() const { return static_cast<double>(offered.packets) / offered.seconds; }
    double readPerSecond() const { return static_cast<double>(read) / offered.seconds; }
    double lostPercent() const { return 100.0 * static_cast<double>(lost) / static_cast<double>(offered.packets); }
    double cpuPercent() const { return 100.0 * cpuSeconds / offered.seconds; }  // of one core
    double cpuNsPerRecord() const { return read ? cpuSeconds * 1e9 / static_cast<double>(read) : 0; }
};

Row measure(BenchNode& node, int progFd, const std::vector<test::Bytes>& frames, const test::SkbContext& ctx,
            std::uint64_t perSecond) {
    Row row;
    row.perSecond = perSecond;
    const auto before = scrapeEventCounters(kMetricsHost, kMetricsPort);
    const double cpuBefore = cpuSeconds(node.daemonPid());
    row.offered = offerPaced(progFd, frames, ctx, perSecond, kPerRate, TC_ACT_SHOT);
    row.cpuSeconds = cpuSeconds(node.daemonPid()) - cpuBefore;

    const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
    EventCounters after = before;
    do {
        std::this_thread::sleep_for(kScrapeInterval);
        after = scrapeEventCounters(kMetricsHost, kMetricsPort);
    } while (after.read + after.lost < before.read + before.lost + row.offered.packets &&
             std::chrono::steady_clock::now() < deadline);
    row.read = after.read - before.read;
    row.lost = after.lost - before.lost;
    if (row.read + row.lost != row.offered.packets)
        throw std::runtime_error("offered " + std::to_string(row.offered.packets) + " records, the daemon read " +
                                 std::to_string(row.read) + " and " + std::to_string(row.lost) + " were lost");
    return row;
}

struct Mode {
    const char* title;
    std::uint32_t wakeupBytes;
};

void printRow(const Row& r) {
    const std::string asked = r.perSecond ? std::to_string(r.perSecond / 1000) + "k/s" : "max";
    std::printf("  %-8s %12.0f %12.0f %10llu %7.2f%% %9.0f%% %12.0f\n", asked.c_str(), r.offeredPerSecond(),
                r.readPerSecond(), static_cast<unsigned long long>(r.lost), r.lostPercent(), r.cpuPercent(),
                r.cpuNsPerRecord());
}

void runMode(const Mode& mode, const std::string& nodeplaned, const std::vector<test::Bytes>& frames) {
    std::printf("%s ([observe] wakeup-bytes = %u)\n", mode.title, mode.wakeupBytes);
    std::printf("  %-8s %12s %12s %10s %8s %10s %12s\n", "asked", "offered/s", "read/s", "lost", "lost", "daemon CPU",
                "CPU ns/rec");
    std::vector<Row> rows;
    {
        BenchNode node(nodeplaned, mode.wakeupBytes);
        const auto index = static_cast<std::uint32_t>(node.podBIfindex());
        const test::SkbContext ctx{index, index, 0};
        UniqueFd prog = waitReady(node, frames, ctx);
        for (std::uint64_t rate : kRates) {
            checkNotInterrupted();
            rows.push_back(measure(node, prog.get(), frames, ctx, rate));
            printRow(rows.back());
            std::fflush(stdout);
        }
    }
    checkNotInterrupted();
    const Absorbed bare = bareReaderAbsorb(frames, mode.wakeupBytes, kPerRate);

    double noLoss = 0;
    double saturated = 0;
    for (const Row& r : rows) {
        if (r.lost == 0) noLoss = std::max(noLoss, r.offeredPerSecond());
        if (r.lost > 0) saturated = std::max(saturated, r.readPerSecond());
    }
    const double bareRead = static_cast<double>(bare.read) / bare.offered.seconds;
    std::printf("  highest offered rate with no loss: %.0f/s\n", noLoss);
    if (saturated > 0)
        std::printf("  saturated: the daemon read %.0f/s\n", saturated);
    else
        std::printf("  not saturated: no rate lost records (the producer's maximum was reached first)\n");
    std::printf("  bare EventReader thread, as fast as offered: %.0f/s offered, %.0f/s read, %llu lost (%.2f%%)\n",
                static_cast<double>(bare.offered.packets) / bare.offered.seconds, bareRead,
                static_cast<unsigned long long>(bare.lost),
                100.0 * static_cast<double>(bare.lost) / static_cast<double>(bare.offered.packets));
    // Neither may be saturated by one producing thread: the CPU each spends
    // per record is then the comparable figure, and bounds what one core
    // would absorb.
    const double bareNs = bare.readerCpuSeconds * 1e9 / static_cast<double>(bare.read);
    const Row& top = rows.back();
    std::printf("  at the producer's maximum: daemon read/s / bare reader read/s = %.2f\n", top.readPerSecond() / bareRead);
    std::printf("  CPU per record read: daemon %.0f ns, bare reader thread %.0f ns (%.1fx); one core at that cost: "
                "daemon ~%.0f/s, bare reader ~%.0f/s\n",
                top.cpuNsPerRecord(), bareNs, top.cpuNsPerRecord() / bareNs, 1e9 / top.cpuNsPerRecord(), 1e9 / bareNs);
}

void onSignal(int) { interrupted = 1; }

// Other work on the machine takes the daemon's core: printed with the figures.
std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return "load average " + one + " " + five + " " + fifteen + ", " + std::to_string(::sysconf(_SC_NPROCESSORS_ONLN)) +
           " cores";
}

}  // namespace

int main(int argc, char** argv) try {
    if (::geteuid() != 0) throw std::runtime_error("run as root (namespaces, bpffs, BPF programs)");
    const std::string nodeplaned = argc > 1 ? argv[1] : defaultNodeplaned();
    if (::access(nodeplaned.c_str(), X_OK) != 0) throw std::runtime_error("no nodeplaned at " + nodeplaned);
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);

    const auto frames = deniedFrames();
    std::printf("== %s\n", loadAverage().c_str());
    std::printf("daemon events: records a second the real nodeplaned absorbs (policy denials into a pod through its "
                "pinned np_to_pod, BPF_PROG_TEST_RUN from one thread, %lld ms per rate; 4 MiB ring; policy action "
                "log on for denials, 500 records/s, file only)\n",
                static_cast<long long>(kPerRate.count()));
    runMode({"reader woken per 64 KiB of records, and every 100 ms", kBatchedWakeupBytes}, nodeplaned, frames);
    runMode({"reader woken per record", 0}, nodeplaned, frames);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "daemon_events_bench: %s\n", e.what());
    return 1;
}
