// The policy compiler at scale: 1, 1,000 and 10,000 NetworkPolicies over
// 50,000 pods cluster-wide (bench/policy/big_policy_model.h), compiled for
// one node of 100 pods. Prints the median compile time of a few rounds and
// what the compile produced (identities, ipcache and policy map entries),
// and, as the baseline of the same run, the time to compile with no policy
// (identities and ipcache only).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "big_policy_model.h"
#include "policy/policy_compiler.h"

using namespace nodeplane;

namespace {

constexpr int kRounds = 5;

struct Figures {
    double medianMs = 0;
    std::size_t identities = 0;
    std::size_t ipcache = 0;
    std::size_t entries = 0;
    std::size_t isolated = 0;
};

Figures measure(std::size_t policies) {
    auto model = bench::bigPolicyModel({.pods = 50000, .policies = policies});
    auto local = bench::bigPolicyLocalEndpoints(model);
    std::vector<double> ms;
    Figures f;
    policy::PolicyIds ids;
    for (int round = 0; round < kRounds; ++round) {
        auto start = std::chrono::steady_clock::now();
        auto desired = policy::compilePolicy(model, local, {}, ids);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        f.identities = desired.identities.size();
        f.ipcache = desired.ipcache.size();
        f.entries = 0;
        f.isolated = 0;
        for (const auto& ep : desired.endpoints) {
            f.entries += ep.allows.size();
            f.isolated += ep.ingressIsolated || ep.egressIsolated;
        }
    }
    std::sort(ms.begin(), ms.end());
    f.medianMs = ms[ms.size() / 2];
    return f;
}

}  // namespace

int main() {
    std::printf("policy compile, 50,000 pods cluster-wide, 100 on this node (median of %d rounds)\n", kRounds);
    std::printf("%10s %12s %10s %12s %10s %14s %10s\n", "policies", "compile ms", "x none", "identities",
                "ipcache", "policy entries", "isolated");
    double baseline = 0;
    for (std::size_t policies : {0u, 1u, 1000u, 10000u}) {
        auto f = measure(policies);
        if (policies == 0) baseline = f.medianMs;
        std::printf("%10zu %12.1f %10.2f %12zu %10zu %14zu %10zu\n", policies, f.medianMs,
                    baseline > 0 ? f.medianMs / baseline : 0.0, f.identities, f.ipcache, f.entries, f.isolated);
    }
    return 0;
}
