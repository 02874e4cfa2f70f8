#include "support/service_bench.h"

#include <linux/pkt_cls.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/bench_baseline.h"
#include "support/bpf_test_run.h"
#include "support/packet_builder.h"
#include "support/service_bench_fill.h"
#include "support/service_bench_program.h"

namespace nodeplane::test {

namespace {

constexpr std::uint32_t kClientBase = 0x0ac8010a;            // 10.200.1.10: the hot flow's client
constexpr std::uint32_t kFirstFlowClient = kClientBase + 6;  // 10.200.1.16 .. : the flows' clients
constexpr const char* kClientMac = "02:00:00:00:0a:0a";
constexpr const char* kHostMac = "02:00:00:00:0a:01";
constexpr std::uint16_t kHotClientPort = 999;

Bytes frame(std::uint32_t src, std::uint16_t sport, const IpAddress& dst, std::uint8_t flags) {
    return PacketBuilder()
        .eth(kClientMac, kHostMac)
        .ipv4(IpAddress::v4(src).toString(), dst.toString())
        .tcp(sport, kBenchServicePort, flags)
        .build();
}

// The counters that prove which path the runs took.
struct PathCounters {
    std::uint64_t created = 0;     // ct_created
    std::uint64_t translated = 0;  // service_translated
    std::uint64_t dropped = 0;     // every drop reason
};

Result<PathCounters> readCounters(datapath::DatapathStats& stats) {
    auto counters = stats.counters();
    auto drops = stats.drops();
    if (!counters || !drops) return Error::logical("ServiceBench: cannot read the datapath's counters");
    PathCounters out;
    for (const auto& c : *counters) {
        if (c.name == "ct_created") out.created = c.packets;
        if (c.name == "service_translated") out.translated = c.packets;
    }
    for (const auto& d : *drops) out.dropped += d.packets;
    return out;
}

// One test_run of `repeat` runs, its mean time per run kept in `into`.
// Every path timed here ends in TC_ACT_OK (translated or not, the packet
// goes on to the stack); the last run's verdict is checked, the counters
// check the others.
Status timed(std::vector<double>& into, int progFd, const Bytes& packet, const SkbContext& ctx, std::uint32_t repeat,
             const char* what) {
    auto run = testRun(progFd, packet, ctx, repeat);
    if (!run) return run.error();
    if (run->retval != TC_ACT_OK)
        return Error::logical(std::string("ServiceBench: ") + what + " answered " + tcActionName(run->retval) +
                              " instead of TC_ACT_OK");
    into.push_back(static_cast<double>(run->durationNs));
    return {};
}

Status checkOptions(const ServiceBenchOptions& o) {
    if (o.repeat == 0 || o.rounds == 0 || o.clients == 0 || o.clients > 200)
        return Error::logical("ServiceBench: repeat, rounds and clients (at most 200) must be at least 1");
    if (o.establishedFlows == 0 || o.establishedFlows > o.repeat)
        return Error::logical("ServiceBench: establishedFlows must be 1..repeat (the first packets open them)");
    return {};
}

Status addClients(datapath::Datapath& dp, int ifindex, std::uint32_t count) {
    // The hot flow's client and the flows' clients, all behind `ifindex`.
    std::vector<std::uint32_t> clients{kClientBase};
    for (std::uint32_t c = 0; c < count; ++c) clients.push_back(kFirstFlowClient + c);
    for (std::uint32_t i = 0; i < clients.size(); ++i)
        if (auto ok = dp.localEndpoints().upsert(IpAddress::v4(clients[i]),
                                                 {static_cast<std::uint32_t>(ifindex), i + 1, 0, 0});
            !ok)
            return ok;
    return {};
}

}  // namespace

struct ServiceBench::State {
    DatapathFixture& node;
    ServiceBenchOptions options;
    SkbContext ctx;
    ServiceFill fill;
    EmptyBaseline empty;
    ServiceFlowProgram program;
    LookupProbe probe;
    PathCounters before;
    std::uint64_t rounds = 0;
    std::uint64_t singles = 0;
    std::vector<double> emptyNs, flowOnlyNs, firstNs, establishedNs, fromPodEstablishedNs, emptySingleNs,
        fromPodFirstSingleNs;
    std::array<std::vector<double>, std::size(kProbes)> lookupNs;

    Status flushConntrack() {
        auto flushed = node.datapath().conntrack().flush();
        if (!flushed) return flushed.error();
        return {};
    }
};

ServiceBench::ServiceBench(std::unique_ptr<State> state) : state_(std::move(state)) {}
ServiceBench::~ServiceBench() = default;

Result<std::unique_ptr<ServiceBench>> ServiceBench::prepare(DatapathFixture& node, int ifindex,
                                                            const ServiceBenchOptions& options) {
    if (auto ok = checkOptions(options); !ok) return ok.error();
    EnterNetns inside(node.netns());
    auto& dp = node.datapath();
    if (auto ok = addClients(dp, ifindex, options.clients); !ok) return ok.error();
    auto fill = fillServices(dp, options.backendEntries);
    if (!fill) return fill.error();
    auto empty = EmptyBaseline::load();
    if (!empty) return empty.error();
    auto program = ServiceFlowProgram::load(
        dp.bpffs() + "/maps",
        {kFirstFlowClient, options.clients, fill->frontendBase, fill->services, kBenchServicePort});
    if (!program) return program.error();
    auto probe = LookupProbe::load(dp, *fill);
    if (!probe) return probe.error();
    auto before = readCounters(dp.stats());
    if (!before) return before.error();
    const auto index = static_cast<std::uint32_t>(ifindex);
    return std::unique_ptr<ServiceBench>(new ServiceBench(std::unique_ptr<State>(new State{
        node, options, {index, index, 0}, *fill, std::move(*empty), std::move(*program), std::move(*probe), *before})));
}

Status ServiceBench::round() {
    auto& s = *state_;
    EnterNetns inside(s.node.netns());
    const auto syn = frame(kFirstFlowClient, 1024, IpAddress::v4(s.fill.frontendBase), tcp_flags::kSyn);
    const auto ack = frame(kFirstFlowClient, 1024, IpAddress::v4(s.fill.frontendBase), tcp_flags::kAck);
    const auto hot = frame(kClientBase, kHotClientPort, s.fill.hotFrontend, tcp_flags::kAck);
    const int fromPod = s.node.datapath().programFd(datapath::Program::FromPod);
    const auto n = s.options.repeat;

    Status ok = timed(s.emptyNs, s.empty.programFd(), syn, s.ctx, n, "the empty program");
    s.program.startFlows(0, 0);
    if (ok) ok = timed(s.flowOnlyNs, s.program.flowOnlyFd(), syn, s.ctx, n, "the tuple write");
    // A fresh conntrack each round, so every first packet is a miss and the
    // map's fill is the same in every round.
    if (ok) ok = s.flushConntrack();
    s.program.startFlows(0, 0);
    if (ok) ok = timed(s.firstNs, s.program.serviceFlowFd(), syn, s.ctx, n, "a first packet");
    s.program.startFlows(0, s.options.establishedFlows);
    if (ok) ok = timed(s.establishedNs, s.program.serviceFlowFd(), ack, s.ctx, n, "an established packet");
    // The hot flow: one run opens it, the timed ones find it.
    std::vector<double> opening;
    if (ok) ok = timed(opening, fromPod, hot, s.ctx, 1, "from_pod opening the hot flow");
    if (ok) ok = timed(s.fromPodEstablishedNs, fromPod, hot, s.ctx, n, "from_pod on the hot flow");
    for (std::size_t i = 0; ok && i < std::size(kProbes); ++i)
        ok = timed(s.lookupNs[i], s.probe.programFd(kProbes[i]), syn, s.ctx, n, probeName(kProbes[i]));
    if (ok) ++s.rounds;
    return ok;
}

Status ServiceBench::singleRuns() {
    auto& s = *state_;
    EnterNetns inside(s.node.netns());
    if (auto ok = s.flushConntrack(); !ok) return ok;
    const int fromPod = s.node.datapath().programFd(datapath::Program::FromPod);
    const std::uint32_t clients = s.options.clients;
    for (std::uint32_t f = 0; f < s.options.singleRuns; ++f) {
        // The bench program's flow space (service_bench_program.h).
        const auto dst = IpAddress::v4(s.fill.frontendBase + f / clients % s.fill.services);
        const auto port = static_cast<std::uint16_t>(1024 + f / (clients * s.fill.services) % 64512);
        const auto syn = frame(kFirstFlowClient + f % clients, port, dst, tcp_flags::kSyn);
        Status ok = timed(s.emptySingleNs, s.empty.programFd(), syn, s.ctx, 1, "the empty program");
        if (ok) ok = timed(s.fromPodFirstSingleNs, fromPod, syn, s.ctx, 1, "from_pod on a first packet");
        if (!ok) return ok;
        ++s.singles;
    }
    return {};
}

Result<ServiceCost> ServiceBench::result() const {
    const auto& s = *state_;
    auto now = readCounters(s.node.datapath().stats());
    if (!now) return now.error();
    // Each round: `repeat` flows created and translated, `repeat`
    // established packets translated, the hot flow opened and run `repeat`
    // times; then one created and translated flow per single run.
    const std::uint64_t n = s.options.repeat;
    const std::uint64_t wantCreated = s.rounds * (n + 1) + s.singles;
    const std::uint64_t wantTranslated = s.rounds * (3 * n + 1) + s.singles;
    const std::uint64_t created = now->created - s.before.created;
    const std::uint64_t translated = now->translated - s.before.translated;
    const std::uint64_t dropped = now->dropped - s.before.dropped;
    if (created != wantCreated || translated != wantTranslated || dropped != 0)
        return Error::logical("ServiceBench: the runs took another path: " + std::to_string(created) +
                              " flows created (want " + std::to_string(wantCreated) + "), " +
                              std::to_string(translated) + " translated (want " + std::to_string(wantTranslated) +
                              "), " + std::to_string(dropped) + " dropped (want 0)");
    if (s.probe.wrongLookups() != 0)
        return Error::logical("ServiceBench: " + std::to_string(s.probe.wrongLookups()) +
                              " probe lookups found the wrong thing: the probes do not match the fill");
    ServiceCost cost;
    cost.backendEntries = s.options.backendEntries;
    cost.frontends = s.fill.services;
    cost.emptyNs = median(s.emptyNs);
    cost.flowOnlyNs = median(s.flowOnlyNs);
    cost.firstPacketNs = median(s.firstNs);
    cost.establishedNs = median(s.establishedNs);
    cost.fromPodEstablishedNs = median(s.fromPodEstablishedNs);
    cost.emptySingleNs = median(s.emptySingleNs);
    cost.fromPodFirstSingleNs = median(s.fromPodFirstSingleNs);
    for (std::size_t i = 0; i < std::size(kProbes); ++i) cost.lookupNs[i] = median(s.lookupNs[i]);
    return cost;
}

Result<ServiceCost> measureServiceCost(DatapathFixture& node, int ifindex, const ServiceBenchOptions& options) {
    auto bench = ServiceBench::prepare(node, ifindex, options);
    if (!bench) return bench.error();
    for (std::uint32_t r = 0; r < options.rounds; ++r)
        if (auto ok = (*bench)->round(); !ok) return ok.error();
    if (auto ok = (*bench)->singleRuns(); !ok) return ok.error();
    return (*bench)->result();
}

}  // namespace nodeplane::test
