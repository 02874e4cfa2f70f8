// `make bench`: the per-packet cost of ClusterIP translation in from_pod at
// 1, 1,000, 64,000 and 1,000,000 backend entries, for a flow's first packet
// (conntrack miss) and an established one (conntrack hit), each as a ratio
// to the empty program measured in the same rounds. The method is in
// tests/support/service_bench.h and docs/figures.md.
//
//   service_bench [--sizes 1,1000,64000,1000000] [--repeat 20000] [--rounds 7]
//                 [--flows 16384] [--clients 16] [--single 2000]
//
// Every size gets its own node whose maps have the daemon's default sizes,
// so only their fill differs, as on a real node whose cluster grows; the
// nodes' rounds interleave.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/service_bench.h"

using namespace nodeplane;
using namespace nodeplane::test;

namespace {

// The daemon's defaults (docs/configuration.md): max-backend-entries and
// twice that in slots, max-services, max-conntrack-entries.
constexpr std::uint32_t kMaxBackends = 1'048'576;
constexpr std::uint32_t kMaxConntrack = 1'048'576;

struct Args {
    std::vector<std::uint32_t> sizes{1, 1'000, 64'000, 1'000'000};
    ServiceBenchOptions bench;
};

std::uint32_t number(const char* text) {
    char* end = nullptr;
    unsigned long v = std::strtoul(text, &end, 10);
    if (end == text || *end != '\0' || v > 0xffffffffu)
        throw std::invalid_argument(std::string("not a count: ") + text);
    return static_cast<std::uint32_t>(v);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string flag = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument("missing value after " + flag);
        const char* value = argv[++i];
        if (flag == "--sizes") {
            a.sizes.clear();
            std::stringstream in(value);
            for (std::string item; std::getline(in, item, ',');) a.sizes.push_back(number(item.c_str()));
        } else if (flag == "--repeat") {
            a.bench.repeat = number(value);
        } else if (flag == "--rounds") {
            a.bench.rounds = number(value);
        } else if (flag == "--flows") {
            a.bench.establishedFlows = number(value);
        } else if (flag == "--clients") {
            a.bench.clients = number(value);
        } else if (flag == "--single") {
            a.bench.singleRuns = number(value);
        } else {
            throw std::invalid_argument("unknown option " + flag);
        }
    }
    for (auto size : a.sizes)
        if (size == 0 || size >= kMaxBackends) throw std::invalid_argument("sizes must be 1..1048575");
    return a;
}

// One node per size, all alive at once so their rounds can interleave.
class Nodes {
public:
    explicit Nodes(const Args& args) {
        datapath::Options dp;
        dp.maxBackends = kMaxBackends;
        dp.maxBackendSlots = 2 * kMaxBackends;
        dp.maxConntrack = kMaxConntrack;
        for (auto size : args.sizes) {
            std::fprintf(stderr, "service_bench: filling a node with %u backend entries\n", size);
            nodes_.push_back(std::make_unique<DatapathFixture>(dp));
            const int host = nodes_.back()->addInterface("np-bench-a");
            ServiceBenchOptions options = args.bench;
            options.backendEntries = size;
            auto bench = ServiceBench::prepare(*nodes_.back(), host, options);
            if (!bench) throw std::runtime_error(bench.error().message);
            benches_.push_back(std::move(*bench));
        }
    }
    // Each fixture left the thread in its namespace and restores the one
    // before it: undo them newest first.
    ~Nodes() {
        benches_.clear();
        while (!nodes_.empty()) nodes_.pop_back();
    }

    std::vector<std::unique_ptr<ServiceBench>>& benches() { return benches_; }

private:
    std::vector<std::unique_ptr<DatapathFixture>> nodes_;
    std::vector<std::unique_ptr<ServiceBench>> benches_;
};

std::vector<ServiceCost> measure(const Args& args) {
    Nodes nodes(args);
    // Round r of every size before round r + 1 of any: load from the rest
    // of the machine, which comes and goes, falls on all sizes alike.
    for (std::uint32_t r = 0; r < args.bench.rounds; ++r)
        for (auto& bench : nodes.benches())
            if (auto ok = bench->round(); !ok) throw std::runtime_error(ok.error().message);
    std::vector<ServiceCost> rows;
    for (auto& bench : nodes.benches()) {
        if (auto ok = bench->singleRuns(); !ok) throw std::runtime_error(ok.error().message);
        auto cost = bench->result();
        if (!cost) throw std::runtime_error(cost.error().message);
        rows.push_back(*cost);
    }
    return rows;
}

double growth(double bigNs, double bigEmpty, double smallNs, double smallEmpty) {
    return (bigNs / bigEmpty) / (smallNs / smallEmpty);
}

void printPaths(const Args& args, const std::vector<ServiceCost>& rows) {
    const auto& o = args.bench;
    std::printf(
        "service translation cost per packet: median of %u interleaved rounds x %u runs (test_run repeat);\n"
        "x: ratio to the empty program in the same rounds; %u clients, %u established flows\n",
        o.rounds, o.repeat, o.clients, o.establishedFlows);
    std::printf("%10s %5s %6s %6s %15s %15s %15s | %16s\n", "backends", "svcs", "empty", "tuple", "first packet",
                "established", "from_pod est.", "from_pod first*");
    for (const auto& r : rows)
        std::printf("%10u %5u %6.1f %6.1f %7.1f %6.2fx %7.1f %6.2fx %7.1f %6.2fx | %7.1f %7.2fx\n", r.backendEntries,
                    r.frontends, r.emptyNs, r.flowOnlyNs, r.firstPacketNs, r.firstPacketNs / r.emptyNs, r.establishedNs,
                    r.establishedNs / r.emptyNs, r.fromPodEstablishedNs, r.fromPodEstablishedNs / r.emptyNs,
                    r.fromPodFirstSingleNs, r.fromPodFirstSingleNs / r.emptySingleNs);
    std::printf(
        "ns per packet. first packet, established: bpf/bench/service_flow.bpf.c (from_pod's path, a new or an\n"
        "open flow every run); tuple: its per-run tuple write alone. from_pod est.: the shipped program, one\n"
        "established flow repeated. *the shipped program, single runs (median of %u, each a new flow) over\n"
        "single runs of the empty program; they include the test_run timer and are noisier.\n",
        o.singleRuns);
    if (rows.size() < 2) return;
    const auto& small = rows.front();
    const auto& big = rows.back();
    std::printf(
        "%u vs %u backend entries, ratio of the x columns (goal <= 1.20): first packet %.2f, established %.2f, "
        "from_pod est. %.2f, from_pod first* %.2f\n",
        big.backendEntries, small.backendEntries,
        growth(big.firstPacketNs, big.emptyNs, small.firstPacketNs, small.emptyNs),
        growth(big.establishedNs, big.emptyNs, small.establishedNs, small.emptyNs),
        growth(big.fromPodEstablishedNs, big.emptyNs, small.fromPodEstablishedNs, small.emptyNs),
        growth(big.fromPodFirstSingleNs, big.emptySingleNs, small.fromPodFirstSingleNs, small.emptySingleNs));
}

void printLookups(const std::vector<ServiceCost>& rows) {
    std::printf(
        "\none lookup at a time (bpf/bench/lookup_probe.bpf.c), keys spread over the backends;\n"
        "ns per run above the key computation (key only: ns per run):\n%10s",
        "backends");
    for (Probe p : kProbes) std::printf(" %14.14s", probeName(p));
    std::printf("\n");
    for (const auto& r : rows) {
        const double key = r.lookupNs[static_cast<std::size_t>(Probe::KeyOnly)];
        std::printf("%10u %14.1f", r.backendEntries, key);
        for (std::size_t i = 1; i < std::size(kProbes); ++i) std::printf(" %14.1f", r.lookupNs[i] - key);
        std::printf("\n");
    }
    std::printf("(%s; %s; %s; %s; %s)\n", probeName(Probe::Backend), probeName(Probe::BackendFit),
                probeName(Probe::BackendArray), probeName(Probe::Slot), probeName(Probe::Endpoint));
}

}  // namespace

int main(int argc, char** argv) try {
    const Args args = parse(argc, argv);
    const std::vector<ServiceCost> rows = measure(args);
    printPaths(args, rows);
    printLookups(rows);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "service_bench: %s\n", e.what());
    return 1;
}
