#include "baseline/kube_proxy_ruleset.h"

#include <cstdio>
#include <sstream>

namespace nodeplane::bench {

namespace {

constexpr const char* kMasqMark = "0x4000/0x4000";

std::string probability(std::size_t remaining) {
    // kube-proxy prints 1/remaining with 11 decimals for every endpoint but the last.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.11f", 1.0 / static_cast<double>(remaining));
    return buf;
}

std::string hostOf(const std::string& endpoint) { return endpoint.substr(0, endpoint.rfind(':')); }

}  // namespace

std::string chainName(const std::string& prefix, const std::string& identity) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
    for (unsigned char c : identity) {
        h ^= c;
        h *= 1099511628211ull;
    }
    static const char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    std::string out = prefix;
    for (int i = 0; i < 16; ++i) {
        out += kBase32[h & 31];
        h = (h >> 5) | (h << 59);
    }
    return out;
}

std::string kubeProxyRuleset(const std::vector<BaselineService>& services, const RulesetOptions& options) {
    std::ostringstream chains;
    std::ostringstream rules;
    chains << "*nat\n"
           << ":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n"
           << ":KUBE-MARK-MASQ - [0:0]\n";
    rules << "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
          << "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
          << "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n"
          << "-A KUBE-MARK-MASQ -j MARK --set-xmark " << kMasqMark << "\n"
          << "-A KUBE-POSTROUTING -m mark ! --mark " << kMasqMark << " -j RETURN\n"
          << "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n"
          << "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" "
             "-j MASQUERADE --random-fully\n";

    std::ostringstream perService;
    for (const auto& svc : services) {
        std::string svcChain = chainName("KUBE-SVC-", svc.name + "/tcp");
        chains << ":" << svcChain << " - [0:0]\n";
        std::string match = "-d " + svc.clusterIp + "/32 -p tcp -m comment --comment \"" + svc.name +
                            " cluster IP\" -m tcp --dport " + std::to_string(svc.port);
        rules << "-A KUBE-SERVICES " << match << " -j " << svcChain << "\n";
        perService << "-A " << svcChain << " ! -s " << options.clusterCidr << " " << match
                   << " -j KUBE-MARK-MASQ\n";
        for (std::size_t i = 0; i < svc.endpoints.size(); ++i) {
            const auto& ep = svc.endpoints[i];
            std::string sepChain = chainName("KUBE-SEP-", svc.name + "/tcp/" + ep);
            chains << ":" << sepChain << " - [0:0]\n";
            std::size_t remaining = svc.endpoints.size() - i;
            perService << "-A " << svcChain << " -m comment --comment \"" << svc.name << " -> " << ep << "\"";
            if (remaining > 1) perService << " -m statistic --mode random --probability " << probability(remaining);
            perService << " -j " << sepChain << "\n";
            perService << "-A " << sepChain << " -s " << hostOf(ep) << "/32 -m comment --comment \"" << svc.name
                       << "\" -j KUBE-MARK-MASQ\n";
            perService << "-A " << sepChain << " -p tcp -m comment --comment \"" << svc.name
                       << "\" -m tcp -j DNAT --to-destination " << ep << "\n";
        }
    }
    // kube-proxy's last KUBE-SERVICES rule hands local destinations to NodePorts.
    rules << perService.str()
          << "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports\" -m addrtype --dst-type LOCAL "
             "-j KUBE-NODEPORTS\n";
    return chains.str() + rules.str() + "COMMIT\n";
}

std::vector<BaselineService> syntheticServices(std::uint32_t count, std::uint32_t endpointsPerService,
                                               std::vector<BaselineService> extra) {
    std::vector<BaselineService> out;
    out.reserve(count + extra.size());
    std::uint32_t endpoint = 0;
    for (std::uint32_t i = 0; i < count; ++i) {
        BaselineService s;
        s.name = "bench/svc-" + std::to_string(i) + ":http";
        s.clusterIp = "10.96." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
        s.port = 80;
        for (std::uint32_t e = 0; e < endpointsPerService; ++e, ++endpoint)
            s.endpoints.push_back("10.201." + std::to_string((endpoint / 250) % 256) + "." +
                                  std::to_string(endpoint % 250 + 1) + ":8080");
        out.push_back(std::move(s));
    }
    for (auto& e : extra) out.push_back(std::move(e));
    return out;
}

}  // namespace nodeplane::bench
