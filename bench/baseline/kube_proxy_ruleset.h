// A kube-proxy-shaped iptables ruleset (kube-proxy's iptables mode: the nat
// table's KUBE-SERVICES dispatch list, one KUBE-SVC-* chain per service port
// choosing an endpoint with `statistic --mode random`, one KUBE-SEP-* chain
// per endpoint doing the DNAT, KUBE-MARK-MASQ / KUBE-POSTROUTING for SNAT),
// written in iptables-restore format. It is the baseline the benchmarks
// compare nodeplane's ClusterIP path against, loaded into a scratch network
// namespace only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodeplane::bench {

struct BaselineService {
    std::string name;             // "ns/svc:port-name", kube-proxy's comment
    std::string clusterIp;        // "10.96.0.10"
    std::uint16_t port = 0;
    std::vector<std::string> endpoints;  // "10.244.1.5:8080"
};

struct RulesetOptions {
    std::string clusterCidr = "10.200.0.0/16";  // traffic from outside it is masqueraded
};

// The whole nat table, COMMIT included. Services are dispatched in the given
// order, so the last one pays for walking every KUBE-SERVICES rule before it,
// as the last service kube-proxy writes does.
std::string kubeProxyRuleset(const std::vector<BaselineService>& services, const RulesetOptions& options = {});

// kube-proxy's chain name: a prefix and the first 16 characters of the
// base32 of a SHA-256 over the identifying string. Ours hashes with FNV-1a
// into the same alphabet: the names only need to be unique and of the same
// length, not equal to kube-proxy's.
std::string chainName(const std::string& prefix, const std::string& identity);

// `count` services 10.96.x.y:80, each with `endpointsPerService` endpoints
// in 10.201.0.0/16 (addresses nothing answers on), then `extra` appended
// last (the services a benchmark really connects to).
std::vector<BaselineService> syntheticServices(std::uint32_t count, std::uint32_t endpointsPerService,
                                               std::vector<BaselineService> extra);

}  // namespace nodeplane::bench
