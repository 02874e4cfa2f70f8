// policy-change-latency: how long a NetworkPolicy-relevant change takes to
// be enforced on a big node. The daemon runs on policy-snapshot's directory
// (same --pods/--policies); each change (policy_changes.h) rewrites one
// namespace file by an atomic rename and times from the rename to the moment
// the pinned np_policy_v1 / np_ipcache_v1 hold it (polled every 100 us,
// looked up as the datapath does), then waits for the daemon to report the
// new generation (appliedUsec: the whole reload), so changes never overlap.
// Changes alternate with their undo; both are timed.
//
//   policy-change-latency --snapshot DIR --maps DIR --socket PATH [--pods 50000] [--policies 10000]
//                         [--changes 20] [--kinds policy,pod-label,namespace-label] [--verbose]
#include <netinet/in.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "big_policy_model.h"
#include "bus/control_client.h"
#include "policy_changes.h"
#include "policy_probe.h"
#include "scale/change_timing.h"
#include "scale/snapshot_file.h"

using namespace nodeplane;
using namespace nodeplane::bench;

namespace {

struct Args {
    std::string snapshot, maps, socket;
    PolicyModelSize size;
    std::uint32_t changes = 20;
    std::vector<PolicyChangeKind> kinds{PolicyChangeKind::Policy, PolicyChangeKind::PodLabel,
                                        PolicyChangeKind::NamespaceLabel};
    bool verbose = false;
};

bool parse(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--verbose") {
            a.verbose = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        const std::string value = argv[++i];
        if (flag == "--snapshot")
            a.snapshot = value;
        else if (flag == "--maps")
            a.maps = value;
        else if (flag == "--socket")
            a.socket = value;
        else if (flag == "--pods")
            a.size.pods = std::strtoul(value.c_str(), nullptr, 10);
        else if (flag == "--policies")
            a.size.policies = std::strtoul(value.c_str(), nullptr, 10);
        else if (flag == "--changes")
            a.changes = static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 10));
        else if (flag == "--kinds") {
            a.kinds.clear();
            std::istringstream names(value);
            for (std::string name; std::getline(names, name, ',');) {
                auto kind = parseChangeKind(name);
                if (!kind) return false;
                a.kinds.push_back(*kind);
            }
        } else
            return false;
    }
    return !a.snapshot.empty() && !a.maps.empty() && !a.socket.empty() && a.changes > 0 && !a.kinds.empty();
}

class Runner {
public:
    Runner(const Args& args, const state::Model& model, PolicyProbe& probe, bus::ControlClient& client)
        : args_(args), model_(model), probe_(probe), client_(client) {}

    // Change `i` of `kind`: even i applies change i/2, odd i takes it back.
    Result<ChangeTiming> change(PolicyChangeKind kind, std::uint32_t i) {
        auto texts = makeChange(model_, kind, i / 2);
        if (!texts) return texts.error();
        const ChangeTarget& t = texts->target;
        auto endpoint = endpointOf(t.localPod);
        if (!endpoint) return endpoint.error();
        auto base = identityOf(t.remoteIp);
        if (!base) return base.error();
        const bool apply = i % 2 == 0;
        if (apply) {
            // The state the change starts from: R or F admitted with its own identity.
            auto holds = state(kind, *endpoint, t, *base, false);
            if (!holds) return holds.error();
            if (!*holds) return Error::logical("before the change, " + t.localPod + " does not admit " +
                                               t.remoteIp.toString() + " on TCP " + std::to_string(t.port));
            baseIdentity_ = *base;
        }
        const std::string file = args_.snapshot + "/" + t.file;
        if (auto ok = stageSnapshot(file, apply ? texts->changed : texts->original); !ok) return ok.error();
        auto timing = timeSnapshotChange(
            client_, file, [&] { return state(kind, *endpoint, t, baseIdentity_, apply); },
            std::string("the ") + changeKindName(kind) + " change" + (apply ? "" : " taken back") + " for " +
                t.localPod);
        if (!timing) return timing.error();
        const ChangeTiming sample = *timing;
        if (args_.verbose)
            std::printf("%-16s %2u %-12s %-6s map %8.1f ms, applied %8.1f ms\n", changeKindName(kind), i,
                        t.localPod.c_str(), apply ? "change" : "undo", sample.mapMs, sample.appliedMs);
        return sample;
    }

private:
    // Whether the maps show the change (`changed`) or the base state.
    Result<bool> state(PolicyChangeKind kind, std::uint32_t endpoint, const ChangeTarget& t, policy::IdentityId base,
                       bool changed) {
        auto id = identityOf(t.remoteIp);
        if (!id) return id.error();
        if (kind == PolicyChangeKind::PodLabel) {
            if (!changed) return *id == base;
            if (*id == base) return false;
            // The address moved to its new identity: that identity's entries
            // must already be there (the reconciler writes them first).
            auto allowed = probe_.allowedBy(endpoint, *id, policy::Direction::Ingress, IPPROTO_TCP, t.port);
            if (!allowed) return allowed.error();
            if (!*allowed)
                return Error::logical(t.remoteIp.toString() + " has its new identity " + std::to_string(*id) +
                                      " before " + t.localPod + " admits it");
            return true;
        }
        auto allowed = probe_.allowedBy(endpoint, *id, policy::Direction::Ingress, IPPROTO_TCP, t.port);
        if (!allowed) return allowed.error();
        return allowed->has_value() != changed;
    }

    Result<policy::IdentityId> identityOf(const IpAddress& ip) {
        auto id = probe_.identityOf(ip);
        if (!id) return id.error();
        if (!*id) return Error::logical(ip.toString() + " is not in the ipcache");
        return **id;
    }

    Result<std::uint32_t> endpointOf(const std::string& pod) {
        if (auto it = endpoints_.find(pod); it != endpoints_.end()) return it->second;
        auto record = client_.policy(pod);
        if (!record) return record.error();
        endpoints_[pod] = record->endpointId;
        return record->endpointId;
    }

    const Args& args_;
    const state::Model& model_;
    PolicyProbe& probe_;
    bus::ControlClient& client_;
    std::map<std::string, std::uint32_t> endpoints_;
    policy::IdentityId baseIdentity_ = 0;
};

void report(const char* kind, const char* what, const std::vector<double>& v) {
    const auto l = summarize(v);
    std::printf("%-16s %-40s p50 %8.1f ms   p99 %8.1f ms   max %8.1f ms\n", kind, what, l.p50, l.p99, l.max);
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    if (!parse(argc, argv, args)) {
        std::fprintf(stderr,
                     "usage: policy-change-latency --snapshot DIR --maps DIR --socket PATH [--pods N] [--policies N] "
                     "[--changes N] [--kinds policy,pod-label,namespace-label] [--verbose]\n");
        return 2;
    }
    auto probe = PolicyProbe::open(args.maps);
    if (!probe) {
        std::fprintf(stderr, "policy-change-latency: %s\n", probe.error().message.c_str());
        return 1;
    }
    auto client = bus::ControlClient::connect({args.socket, false});
    if (!client) {
        std::fprintf(stderr, "policy-change-latency: %s\n", client.error().message.c_str());
        return 1;
    }
    const auto model = bigPolicyModel(args.size);
    Runner runner(args, model, *probe, *client);
    std::printf("%zu policies over %zu pods, %u changes of each kind (half of them undos):\n", args.size.policies,
                args.size.pods, args.changes);
    for (auto kind : args.kinds) {
        std::vector<double> mapMs, appliedMs;
        for (std::uint32_t i = 0; i < args.changes; ++i) {
            auto sample = runner.change(kind, i);
            if (!sample) {
                std::fprintf(stderr, "policy-change-latency: %s change %u: %s\n", changeKindName(kind), i,
                             sample.error().message.c_str());
                return 1;
            }
            mapMs.push_back(sample->mapMs);
            appliedMs.push_back(sample->appliedMs);
        }
        report(changeKindName(kind), "rename -> the maps enforce it", mapMs);
        report(changeKindName(kind), "rename -> daemon reports the generation", appliedMs);
        const auto map = summarize(mapMs), applied = summarize(appliedMs);
        std::printf("RESULT kind=%s map_p50_ms=%.1f map_p99_ms=%.1f map_max_ms=%.1f applied_p50_ms=%.1f "
                    "applied_p99_ms=%.1f applied_max_ms=%.1f\n",
                    changeKindName(kind), map.p50, map.p99, map.max, applied.p50, applied.p99, applied.max);
    }
    return 0;
}
