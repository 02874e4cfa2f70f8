// The bench-only service program (bpf/bench/service_flow.bpf.c), loaded on
// the maps of a running Datapath: each run writes the tuple of the next flow
// number into the frame and then does what np_from_pod does, so
// BPF_PROG_TEST_RUN's `repeat` measures first and established packets even
// though a DNAT rewrites the one skb all repetitions share.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"

struct bpf_object;
struct np_bench_service;

namespace nodeplane::test {

// Points every map of a bench object that is one of the datapath's (pinned
// by name under the object's pin root, the Datapath's <bpffs>/maps) at the
// pinned map, so bench programs see the datapath's entries. A missing pin
// is an error: a bench object must never create or pin a map of the
// datapath's own, least of all under the host's /sys/fs/bpf. Between open
// and load.
Status shareDatapathMaps(bpf_object* object);

// Which tuples the flows use (bpf/bench/service_flow.bpf.c): flow f comes
// from clientBase + f % clients, port 1024 + f / (clients * frontends) % 64512,
// to frontendBase + f / clients % frontends, port frontendPort. TCP, as the
// frame the runs are given must be.
struct FlowSpace {
    std::uint32_t clientBase = 0;  // host order; every client must be a local endpoint
    std::uint32_t clients = 1;
    std::uint32_t frontendBase = 0;  // host order
    std::uint32_t frontends = 1;
    std::uint16_t frontendPort = 80;
};

class ServiceFlowProgram {
public:
    // Opens the object, points every map at the pin of the same name under
    // `mapsDir` (the Datapath's <bpffs>/maps: fails rather than create or pin
    // a map of its own), sets the flow space and loads.
    static Result<ServiceFlowProgram> load(const std::string& mapsDir, const FlowSpace& space);

    // np_bench_service_flow: the flow's tuple, then np_from_pod's path.
    int serviceFlowFd() const;
    // np_bench_flow_only: the tuple write alone, the prelude's cost.
    int flowOnlyFd() const;

    // The next run takes flow `next`; window 0 means every run then takes a
    // new flow number, window n > 0 that run k takes (next + k) % n.
    void startFlows(std::uint64_t next, std::uint64_t window);
    // The flow number the next run would take (before the window).
    std::uint64_t nextFlow() const;

private:
    struct Destroy {
        void operator()(np_bench_service* skel) const noexcept;
    };
    explicit ServiceFlowProgram(std::unique_ptr<np_bench_service, Destroy> skel) : skel_(std::move(skel)) {}
    std::unique_ptr<np_bench_service, Destroy> skel_;
};

}  // namespace nodeplane::test
