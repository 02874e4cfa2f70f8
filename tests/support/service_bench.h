// The per-packet cost of ClusterIP translation in from_pod, for `make bench`:
// a flow's first packet (conntrack miss: frontend lookup, backend choice,
// two conntrack inserts, DNAT) and an established packet (conntrack hit,
// DNAT), as ratios to the empty program measured in the same rounds, with
// the backend maps holding a given number of entries.
//
// Method (docs/figures.md, "Service translation cost per packet"): the
// bench-only program np_bench_service_flow runs from_pod's path on a new
// flow every repetition (ServiceFlowProgram), so BPF_PROG_TEST_RUN's repeat
// works; each figure is the median of `rounds` rounds, each round running
// every kind once, interleaved, so drift hits all kinds alike. The shipped
// np_from_pod is timed too where a repeat can be made to stay on one path
// (an established flow to a service whose backend is its own address), and
// for first packets by single runs (noisier; medians).
#pragma once

#include <array>
#include <cstdint>
#include <iterator>
#include <memory>

#include "common/result.h"
#include "support/datapath_fixture.h"
#include "support/service_bench_probe.h"

namespace nodeplane::test {

struct ServiceBenchOptions {
    std::uint32_t backendEntries = 1;
    std::uint32_t repeat = 20000;  // runs per round and kind (test_run repeat)
    std::uint32_t rounds = 7;      // figures are medians over the rounds
    // Established runs cycle over this many flows (<= repeat: the round's
    // first-packet runs created them). Their conntrack entries and backends
    // are the working set, as a node's open connections would be.
    std::uint32_t establishedFlows = 16384;
    std::uint32_t clients = 16;       // client pods 10.200.1.16, .17, ... behind the one interface
    std::uint32_t singleRuns = 2000;  // shipped from_pod first packets, one test_run each
};

struct ServiceCost {
    std::uint32_t backendEntries = 0;
    std::uint32_t frontends = 0;  // services the flows spread over
    // Medians of the rounds, ns per packet (test_run repeat).
    double emptyNs = 0;               // the empty program: test_run's own cost
    double flowOnlyNs = 0;            // the bench program's tuple write alone
    double firstPacketNs = 0;         // bench program: every run a new flow (conntrack miss)
    double establishedNs = 0;         // bench program: flows that exist (conntrack hit)
    double fromPodEstablishedNs = 0;  // shipped from_pod: one established flow, repeated
    // Medians of single runs (repeat 1), which include the test_run timer.
    double emptySingleNs = 0;
    double fromPodFirstSingleNs = 0;  // shipped from_pod, every run a new flow
    // One lookup at a time (LookupProbe), medians of the rounds, indexed by Probe.
    std::array<double, std::size(kProbes)> lookupNs{};
};

// One node's benchmark, run round by round, so that a caller can
// interleave several nodes (one per size) and background load on the
// machine falls on every size alike.
class ServiceBench {
public:
    // Fills the node's service maps (fillServices), registers the clients as
    // local endpoints behind `ifindex` (a pod host end in `node`'s namespace)
    // and loads the programs. Use a fresh fixture with room for
    // backendEntries + 1 backends and slots and 2 * repeat + 2 conntrack
    // entries; it must outlive this object.
    static Result<std::unique_ptr<ServiceBench>> prepare(DatapathFixture& node, int ifindex,
                                                         const ServiceBenchOptions& options);
    ~ServiceBench();

    // Times every kind once (options.rounds is the caller's business here).
    // Enters the node's network namespace for it.
    Status round();
    // The shipped from_pod on options.singleRuns first packets, one test_run each.
    Status singleRuns();
    // Medians so far, after checking the datapath's counters: every
    // first-packet run must have created a flow and every run been
    // translated, else an error (a bench that timed another path is wrong,
    // not slow).
    Result<ServiceCost> result() const;

private:
    struct State;
    explicit ServiceBench(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// prepare(), options.rounds rounds, the single runs, result().
Result<ServiceCost> measureServiceCost(DatapathFixture& node, int ifindex, const ServiceBenchOptions& options);

}  // namespace nodeplane::test
