// reload-latency: how long one endpoint change takes to reach the datapath
// on a big node. The daemon runs on the big snapshot (big-snapshot with the
// same --services/--endpoints/--node); each change rewrites that snapshot
// with one endpoint added to a service, or taken back, by an atomic rename,
// and times from the rename to the moment the service's frontend in the
// pinned np_services_v1 holds the new backend count (the flip that makes
// packets use the new set), polled every 100 us (change_timing.h). It then waits for the
// daemon to report the new generation, so changes never overlap, and also
// reports rename -> generation applied (appliedUsec: the whole reload).
// With --split PARTS the snapshot is big-snapshot's directory layout and a
// change rewrites (renames into place) only the part holding the service.
//
//   reload-latency --snapshot FILE|DIR --maps DIR --socket PATH [--split PARTS]
//                  [--services 10000] [--endpoints 100000] [--node node] [--changes 50] [--verbose]
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "bus/control_client.h"
#include "scale/big_snapshot.h"
#include "scale/change_timing.h"
#include "scale/frontend_probe.h"
#include "scale/snapshot_file.h"

using namespace nodeplane;
using namespace nodeplane::bench;

namespace {

// Changes walk over the services in a stride coprime to any count we use,
// so consecutive pairs touch different services.
constexpr std::uint32_t kServiceStride = 7919;

struct Args {
    std::string snapshot, maps, socket;
    BigSnapshotSpec spec;
    std::uint32_t changes = 50;
    std::uint32_t parts = 0;  // 0: one file
    bool verbose = false;
};

bool count(const char* text, std::uint32_t& out) {
    char* end = nullptr;
    unsigned long v = std::strtoul(text, &end, 10);
    if (end == text || *end != '\0' || v > 0xffffffffu) return false;
    out = static_cast<std::uint32_t>(v);
    return true;
}

bool parse(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--verbose") {
            a.verbose = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        const char* value = argv[++i];
        std::uint32_t n = 0;
        if (flag == "--snapshot")
            a.snapshot = value;
        else if (flag == "--maps")
            a.maps = value;
        else if (flag == "--socket")
            a.socket = value;
        else if (flag == "--node")
            a.spec.node = value;
        else if (flag == "--services" && count(value, n))
            a.spec.services = n;
        else if (flag == "--endpoints" && count(value, n))
            a.spec.endpoints = n;
        else if (flag == "--changes" && count(value, n))
            a.changes = n;
        else if (flag == "--split" && count(value, n) && n > 0)
            a.parts = n;
        else
            return false;
    }
    return !a.snapshot.empty() && !a.maps.empty() && !a.socket.empty() && a.changes > 0 && a.spec.services > 0;
}

class Runner {
public:
    Runner(const Args& args, FrontendProbe& probe, bus::ControlClient& client)
        : args_(args), probe_(probe), client_(client) {}

    Result<ChangeTiming> change(std::uint32_t i) {
        const std::uint32_t service =
            static_cast<std::uint32_t>((std::uint64_t{i / 2} * kServiceStride + 17) % args_.spec.services);
        BigSnapshotSpec spec = args_.spec;
        if (i % 2 == 0) spec.extraEndpointOn = service;  // odd: the base again, the extra one gone
        const std::uint32_t want = bigServiceEndpoints(spec, service);
        const datapath::FrontendKey key{bigServiceClusterIp(service), kBigServicePort, datapath::L4Protocol::Tcp,
                                        datapath::ServiceScope::Internal};

        std::string file = args_.snapshot;
        std::optional<std::string> text;
        if (args_.parts) {
            const std::uint32_t part = bigPartOf(spec, args_.parts, service);
            file += "/" + bigPartFileName(part);
            text = renderBigPart(spec, args_.parts, part);
        } else {
            text = renderBigSnapshot(spec);
        }
        if (!text) return Error::logical("reload-latency: the snapshot spec is out of range");
        if (auto ok = stageSnapshot(file, *text); !ok) return ok.error();
        auto timing = timeSnapshotChange(
            client_, file,
            [&]() -> Result<bool> {
                auto got = probe_.backendCount(key);
                if (!got) return got.error();
                return *got == want;
            },
            "frontend " + key.address.toString() + " with " + std::to_string(want) + " backends");
        if (!timing) return timing.error();
        const ChangeTiming sample = *timing;
        if (args_.verbose)
            std::printf("change %2u: service %5u -> %u endpoints: map %8.1f ms, applied %8.1f ms\n", i, service, want,
                        sample.mapMs, sample.appliedMs);
        return sample;
    }

private:
    const Args& args_;
    FrontendProbe& probe_;
    bus::ControlClient& client_;
};

void report(const char* what, const std::vector<double>& v) {
    const auto l = summarize(v);
    std::printf("%-44s p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms\n", what, l.p50, l.p99, l.max);
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse(argc, argv, args)) {
        std::fprintf(stderr,
                     "usage: reload-latency --snapshot FILE|DIR --maps DIR --socket PATH [--split PARTS] "
                     "[--services N] [--endpoints N] [--node NAME] [--changes N] [--verbose]\n");
        return 2;
    }
    auto probe = FrontendProbe::open(args.maps);
    if (!probe) {
        std::fprintf(stderr, "reload-latency: %s\n", probe.error().message.c_str());
        return 1;
    }
    auto client = bus::ControlClient::connect({args.socket, false});
    if (!client) {
        std::fprintf(stderr, "reload-latency: %s\n", client.error().message.c_str());
        return 1;
    }
    Runner runner(args, *probe, *client);
    std::vector<double> mapMs, appliedMs;
    for (std::uint32_t i = 0; i < args.changes; ++i) {
        auto sample = runner.change(i);
        if (!sample) {
            std::fprintf(stderr, "reload-latency: change %u: %s\n", i, sample.error().message.c_str());
            return 1;
        }
        mapMs.push_back(sample->mapMs);
        appliedMs.push_back(sample->appliedMs);
    }
    std::printf("one endpoint added or removed, %u services / %u endpoints, %u changes, %s:\n", args.spec.services,
                args.spec.endpoints, args.changes,
                args.parts ? ("directory of " + std::to_string(args.parts + 1) + " files").c_str() : "one file");
    report("rename -> datapath map holds the change", mapMs);
    report("rename -> daemon reports the generation", appliedMs);
    const auto map = summarize(mapMs), applied = summarize(appliedMs);
    std::printf("RESULT map_p50_ms=%.1f map_p99_ms=%.1f map_max_ms=%.1f applied_p50_ms=%.1f applied_p99_ms=%.1f\n",
                map.p50, map.p99, map.max, applied.p50, applied.p99);
    return 0;
}
