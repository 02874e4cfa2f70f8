#include "support/service_bench.h"

#include <linux/pkt_cls.h>

#include <algorithm>
#include <string>
#include <vector>

#include "support/bench_baseline.h"
#include "support/bpf_test_run.h"
#include "support/packet_builder.h"

namespace nodeplane::test {

namespace {

constexpr std::uint32_t kBackendsPerService = 64000;
constexpr const char* kClient = "10.200.1.10";
constexpr const char* kClientMac = "02:00:00:00:0a:0a";
constexpr const char* kHostMac = "02:00:00:00:0a:01";
constexpr const char* kFrontend = "10.96.0.10";  // service 1's; the others follow it

Bytes clientSyn(std::uint16_t sport, const char* dst = kFrontend) {
    return PacketBuilder().eth(kClientMac, kHostMac).ipv4(kClient, dst).tcp(sport, 80).payload("GET /").build();
}

Status fill(datapath::Datapath& dp, std::uint32_t backendEntries) {
    datapath::BackendId next = 1;
    std::uint32_t service = 1;
    for (std::uint32_t left = backendEntries; left > 0; ++service) {
        const std::uint32_t here = std::min(left, kBackendsPerService);
        std::vector<datapath::BackendId> ids;
        ids.reserve(here);
        for (std::uint32_t i = 0; i < here; ++i, ++next) {
            datapath::Backend b;
            // 10.128.0.0/9: remote pods, so the packet goes to the stack.
            b.address = IpAddress::v4(0x0a800000u + next);
            b.port = 8080;
            if (auto ok = dp.backends().upsert(next, b); !ok) return ok;
            ids.push_back(next);
        }
        if (auto ok = dp.services().replaceBackendSet(service, ids); !ok) return ok;
        datapath::FrontendKey key{IpAddress::v4(0x0a60000au + service - 1), 80, datapath::L4Protocol::Tcp,
                                  datapath::ServiceScope::Internal};
        if (auto ok = dp.services().upsert(key, {service, service, {}, 0}); !ok) return ok;
        if (auto ok = dp.revNat().upsert(service, {key.address, 80}); !ok) return ok;
        left -= here;
    }
    return {};
}

// Mean durationNs of one run per frame.
Result<double> meanNs(int progFd, const std::vector<Bytes>& frames, const SkbContext& ctx, std::uint32_t expect) {
    std::uint64_t total = 0;
    for (const auto& frame : frames) {
        auto run = testRun(progFd, frame, ctx);
        if (!run) return run.error();
        if (run->retval != expect)
            return Error::logical(std::string("measureServiceCost: the program answered ") + tcActionName(run->retval) +
                                  " instead of " + tcActionName(expect));
        total += run->durationNs;
    }
    return static_cast<double>(total) / static_cast<double>(frames.size());
}

}  // namespace

Result<ServiceCost> measureServiceCost(DatapathFixture& node, int ifindex, std::uint32_t backendEntries,
                                       std::uint32_t samples) {
    if (samples == 0 || samples > 60000) return Error::logical("measureServiceCost: samples must be 1..60000");
    if (backendEntries == 0) return Error::logical("measureServiceCost: at least one backend");
    auto& dp = node.datapath();
    if (auto ok = dp.localEndpoints().upsert(*IpAddress::parse(kClient),
                                             {static_cast<std::uint32_t>(ifindex), 1, 0, 0});
        !ok)
        return ok.error();
    if (auto ok = fill(dp, backendEntries); !ok) return ok.error();

    auto baseline = EmptyBaseline::load();
    if (!baseline) return baseline.error();
    const SkbContext ctx{static_cast<std::uint32_t>(ifindex), static_cast<std::uint32_t>(ifindex), 0};
    std::vector<Bytes> frames, plainFrames;
    frames.reserve(samples);
    for (std::uint32_t i = 0; i < samples; ++i) {
        frames.push_back(clientSyn(static_cast<std::uint16_t>(2000 + i)));
        plainFrames.push_back(clientSyn(static_cast<std::uint16_t>(2000 + i), "10.200.2.20"));
    }

    const int fromPod = dp.programFd(datapath::Program::FromPod);
    ServiceCost cost;
    cost.backendEntries = backendEntries;
    auto empty = meanNs(baseline->programFd(), frames, ctx, TC_ACT_OK);
    if (!empty) return empty.error();
    auto plain = meanNs(fromPod, plainFrames, ctx, TC_ACT_OK);
    if (!plain) return plain.error();
    // First pass: every frame a new flow. Second pass: the same flows again.
    auto first = meanNs(fromPod, frames, ctx, TC_ACT_OK);
    if (!first) return first.error();
    auto established = meanNs(fromPod, frames, ctx, TC_ACT_OK);
    if (!established) return established.error();
    cost.emptyNs = *empty;
    cost.plainNs = *plain;
    cost.firstPacketNs = *first;
    cost.establishedNs = *established;
    return cost;
}

}  // namespace nodeplane::test
