// `make bench`: NetworkPolicy's cost per packet in to_pod (ingress of an
// isolated pod) with 1, 1,000 and 10,000 policies over 50,000 pods
// cluster-wide (bench/policy/big_policy_model.h), the maps filled through
// the daemon's own compile and reconciler. Ratios are to an empty tc program
// timed in the same run.
//  - denied: a packet no entry allows; every run takes the whole decision
//    (ipcache, then the policy LPM for the identity and for every remote);
//  - allowed, first packet: each run a new flow (a new source port), decided
//    and tracked; single test_run calls, so the empty program is timed the
//    same way, and both include test_run's own timer;
//  - allowed, established: the flow's conntrack entry and the revision.
// Also the time to compile the policies and write them into empty maps.
#include <linux/pkt_cls.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "big_policy_model.h"
#include "daemon/policy_reconciler.h"
#include "policy/policy_compiler.h"
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
constexpr int kSingleRuns = 2'000;

Bytes tcp(const IpAddress& src, const IpAddress& dst, std::uint16_t sport, std::uint16_t dport,
          std::uint8_t flags = tcp_flags::kSyn) {
    return PacketBuilder()
        .eth("02:00:00:00:0a:0a", "02:00:00:00:0a:01")
        .ipv4(src.toString(), dst.toString())
        .tcp(sport, dport, flags)
        .build();
}

void expect(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t action, const char* what) {
    auto run = testRun(progFd, frame, ctx);
    if (!run) throw std::runtime_error(run.error().message);
    if (run->retval != action)
        throw std::runtime_error(std::string(what) + ": unexpected verdict " + tcActionName(run->retval));
}

double repeated(int progFd, const Bytes& frame, const SkbContext& ctx) {
    auto ns = medianNsPerPacket(progFd, frame, ctx, kRepeat, kRounds);
    if (!ns) throw std::runtime_error(ns.error().message);
    return *ns;
}

// Median of single runs, each on a frame of its own (a new flow).
template <typename MakeFrame>
double singles(int progFd, const SkbContext& ctx, MakeFrame make, std::uint32_t action) {
    std::vector<double> ns;
    for (int i = 0; i < kSingleRuns; ++i) {
        auto run = testRun(progFd, make(i), ctx);
        if (!run) throw std::runtime_error(run.error().message);
        if (run->retval != action) throw std::runtime_error("a new flow got " + std::string(tcActionName(run->retval)));
        ns.push_back(run->durationNs);
    }
    return median(ns);
}

struct Row {
    std::size_t policies = 0;
    std::size_t entries = 0;
    double compileMs = 0, applyMs = 0;  // into empty maps, as a daemon's first state
    double emptyNs = 0, deniedNs = 0, emptySingleNs = 0, firstNs = 0, establishedNs = 0;
};

Row measure(std::size_t policies, const EmptyBaseline& empty) {
    Row row;
    row.policies = policies;
    auto model = bench::bigPolicyModel({.pods = 50000, .policies = policies});
    auto local = bench::bigPolicyLocalEndpoints(model);
    policy::PolicyIds ids;
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::time_point from) {
        return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
    };
    auto began = Clock::now();
    auto desired = policy::compilePolicy(model, local, {}, ids);
    row.compileMs = ms(began);
    for (const auto& ep : desired.endpoints) row.entries += ep.allows.size();

    DatapathFixture node({.bpffs = "", .maxLocalEndpoints = 1024, .maxInterfaces = 64, .maxConntrack = 1 << 20,
                          .maxIpcache = 1 << 17, .maxPolicyEntries = 1 << 21});
    const int ifindex = node.addInterface("np-bench-p");
    const SkbContext ctx{static_cast<std::uint32_t>(ifindex), static_cast<std::uint32_t>(ifindex), 0};
    compiler::DesiredNode desiredNode;
    desiredNode.localEndpoints = local;
    daemon::annotateEndpoints(desiredNode, desired);
    for (const auto& ep : desiredNode.localEndpoints)
        if (!node.datapath().localEndpoints().upsert(
                ep.ip, {static_cast<std::uint32_t>(ifindex), ep.endpointId, ep.identity, ep.policyFlags}))
            throw std::runtime_error("cannot write a local endpoint");
    daemon::PolicyReconciler reconciler({node.datapath().ipcache(), node.datapath().policy()});
    began = Clock::now();
    auto maps = daemon::flattenPolicy(desired);
    if (auto w = reconciler.writeWanted(maps); !w) throw std::runtime_error(w.error().message);
    row.applyMs = ms(began);
    if (!node.datapath().setPolicyRevision(1)) throw std::runtime_error("cannot write the revision");

    // The first local pod (ns-0/pod-0, app-0) is isolated by policy 0, which
    // admits app-1 of its namespace on the named port http (8080).
    const IpAddress target = local.front().ip;
    const IpAddress allowedClient = model.pods[1].podIPs[0];  // ns-0/pod-1, app-1
    const IpAddress deniedClient = model.pods[2].podIPs[0];   // ns-0/pod-2, app-2
    const int toPod = node.datapath().programFd(Program::ToPod);
    const Bytes denied = tcp(deniedClient, target, 40000, 8080);
    expect(toPod, denied, ctx, TC_ACT_SHOT, "a denied packet");
    row.emptyNs = repeated(empty.programFd(), denied, ctx);
    row.deniedNs = repeated(toPod, denied, ctx);
    row.emptySingleNs = singles(empty.programFd(), ctx, [&](int i) {
        return tcp(allowedClient, target, static_cast<std::uint16_t>(20000 + i), 8080);
    }, TC_ACT_OK);
    row.firstNs = singles(toPod, ctx, [&](int i) {
        return tcp(allowedClient, target, static_cast<std::uint16_t>(20000 + i), 8080);
    }, TC_ACT_OK);
    const Bytes established = tcp(allowedClient, target, 20000, 8080, tcp_flags::kAck);
    expect(toPod, established, ctx, TC_ACT_OK, "an established packet");
    row.establishedNs = repeated(toPod, established, ctx);
    return row;
}

}  // namespace

int main() try {
    auto empty = EmptyBaseline::load();
    if (!empty) throw std::runtime_error(empty.error().message);
    std::vector<Row> rows;
    for (std::size_t policies : {1u, 1000u, 10000u}) rows.push_back(measure(policies, *empty));
    std::printf("NetworkPolicy in to_pod, 50,000 pods cluster-wide, 100 on this node "
                "(repeated: median of %d x %u runs; first packet: median of %d single runs)\n",
                kRounds, kRepeat, kSingleRuns);
    std::printf("%9s %9s | %7s %8s %6s | %7s %8s %6s | %8s %6s\n", "policies", "entries", "empty", "denied", "x",
                "empty1", "first", "x", "estab.", "x");
    for (const auto& r : rows)
        std::printf("%9zu %9zu | %7.1f %8.1f %6.2f | %7.1f %8.1f %6.2f | %8.1f %6.2f\n", r.policies, r.entries,
                    r.emptyNs, r.deniedNs, r.deniedNs / r.emptyNs, r.emptySingleNs, r.firstNs,
                    r.firstNs / r.emptySingleNs, r.establishedNs, r.establishedNs / r.emptyNs);
    std::printf("\ncompile and apply into empty maps (one run each):\n%9s %9s %12s %10s\n", "policies", "entries",
                "compile ms", "apply ms");
    for (const auto& r : rows) std::printf("%9zu %9zu %12.1f %10.1f\n", r.policies, r.entries, r.compileMs, r.applyMs);
    const auto& one = rows.front();
    const auto& most = rows.back();
    std::printf("10,000 vs 1 policy (ratios of the x columns): denied %.2f, first packet %.2f, established %.2f\n",
                (most.deniedNs / most.emptyNs) / (one.deniedNs / one.emptyNs),
                (most.firstNs / most.emptySingleNs) / (one.firstNs / one.emptySingleNs),
                (most.establishedNs / most.emptyNs) / (one.establishedNs / one.emptyNs));
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "policy_bench: %s\n", e.what());
    return 1;
}
