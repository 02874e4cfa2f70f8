// `make bench`: the datapath's cost per packet through BPF_PROG_TEST_RUN, as a
// ratio to an empty tc program measured in the same run (the fixed cost of
// test_run itself), so figures compare across machines and kernels.
//
// Each figure is the median of kRounds rounds of kRepeat runs. Local delivery
// is not measured here: it rewrites the frame (TTL), and test_run repetitions
// share one skb, so each repetition would see the previous one's output.
#include <linux/pkt_cls.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "support/bench_baseline.h"
#include "support/bpf_test_run.h"
#include "support/datapath_fixture.h"
#include "support/packet_builder.h"

using namespace nodeplane;
using namespace nodeplane::test;
using datapath::Program;

namespace {

constexpr std::uint32_t kRepeat = 200'000;
constexpr int kRounds = 7;
constexpr std::uint32_t kLargeEndpointCount = 65'536;

constexpr const char* kPodA = "10.200.1.10";
constexpr const char* kPodB = "10.200.1.11";
constexpr const char* kElsewhere = "10.200.2.20";

// A connection's first segment (SYN), or one of its later ones (ACK), which
// most packets are.
Bytes tcp(const char* src, const char* dst, std::uint8_t flags = tcp_flags::kSyn) {
    return PacketBuilder().eth("02:00:00:00:0a:0a", "02:00:00:00:0a:01").ipv4(src, dst).tcp(40000, 8080, flags).build();
}

double measure(int progFd, const Bytes& frame, const SkbContext& ctx, std::uint32_t expectAction) {
    auto once = testRun(progFd, frame, ctx);
    if (!once) throw std::runtime_error(once.error().message);
    if (once->retval != expectAction)
        throw std::runtime_error(std::string("unexpected verdict ") + tcActionName(once->retval));
    auto ns = medianNsPerPacket(progFd, frame, ctx, kRepeat, kRounds);
    if (!ns) throw std::runtime_error(ns.error().message);
    return *ns;
}

IpAddress filler(std::uint32_t i) { return IpAddress::v4(0x0a400000u + i); }  // 10.64.0.0/10

}  // namespace

int main() try {
    auto baseline = EmptyBaseline::load();
    if (!baseline) throw std::runtime_error(baseline.error().message);
    DatapathFixture node({.bpffs = "", .maxLocalEndpoints = kLargeEndpointCount + 16, .maxInterfaces = 64});
    int pod = node.addInterface("np-bench-a");
    int ext = node.addInterface("np-bench-x");
    const SkbContext podCtx{static_cast<std::uint32_t>(pod), static_cast<std::uint32_t>(pod), 0};
    const SkbContext extCtx{static_cast<std::uint32_t>(ext), static_cast<std::uint32_t>(ext), 0};
    auto& endpoints = node.datapath().localEndpoints();
    if (!endpoints.upsert(*IpAddress::parse(kPodA), {static_cast<std::uint32_t>(pod), 1, 0, 0}))
        throw std::runtime_error("cannot write the local endpoint");

    struct Row {
        std::string name;
        double ns;
    };
    std::vector<Row> rows;
    const Bytes toNode = tcp(kPodA, kElsewhere);
    double empty = measure(baseline->programFd(), toNode, podCtx, TC_ACT_OK);
    rows.push_back({"empty tc program (baseline)", empty});
    const int fromPod = node.datapath().programFd(Program::FromPod);
    const Bytes toNodeAck = tcp(kPodA, kElsewhere, tcp_flags::kAck);
    rows.push_back({"from_pod, to the stack, 1 endpoint (SYN)", measure(fromPod, toNode, podCtx, TC_ACT_OK)});
    rows.push_back({"from_pod, to the stack, 1 endpoint (ACK)", measure(fromPod, toNodeAck, podCtx, TC_ACT_OK)});
    rows.push_back({"from_pod, spoofed source dropped",
                    measure(fromPod, tcp(kPodB, kElsewhere), podCtx, TC_ACT_SHOT)});
    const int toPod = node.datapath().programFd(Program::ToPod);
    rows.push_back({"to_pod, delivered (SYN)", measure(toPod, tcp(kElsewhere, kPodA), podCtx, TC_ACT_OK)});
    rows.push_back({"to_pod, delivered (ACK)",
                    measure(toPod, tcp(kElsewhere, kPodA, tcp_flags::kAck), podCtx, TC_ACT_OK)});
    const int fromNetdev = node.datapath().programFd(Program::FromNetdev);
    rows.push_back({"from_netdev, to the stack (SYN)", measure(fromNetdev, tcp(kElsewhere, kPodA), extCtx, TC_ACT_OK)});
    rows.push_back({"from_netdev, to the stack (ACK)",
                    measure(fromNetdev, tcp(kElsewhere, kPodA, tcp_flags::kAck), extCtx, TC_ACT_OK)});

    for (std::uint32_t i = 0; i < kLargeEndpointCount; ++i)
        if (!endpoints.upsert(filler(i), {static_cast<std::uint32_t>(pod), i + 2, 0, 0}))
            throw std::runtime_error("cannot fill the endpoint map");
    rows.push_back({"from_pod, to the stack, 65,537 endpoints (SYN)", measure(fromPod, toNode, podCtx, TC_ACT_OK)});

    std::printf("datapath cost per packet (BPF_PROG_TEST_RUN, median of %d x %u runs)\n", kRounds, kRepeat);
    std::printf("%-48s %10s %8s\n", "path", "ns/packet", "x empty");
    for (const auto& r : rows) std::printf("%-48s %10.1f %8.2f\n", r.name.c_str(), r.ns, r.ns / empty);
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "datapath_bench: %s\n", e.what());
    return 1;
}
