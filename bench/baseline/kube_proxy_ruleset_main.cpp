// kube-proxy-ruleset COUNT ENDPOINTS CLUSTER_IP:PORT=BACKEND:PORT...
// Prints a kube-proxy-shaped nat table for iptables-restore: COUNT synthetic
// services of ENDPOINTS endpoints each, then the given real services last.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "baseline/kube_proxy_ruleset.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: kube-proxy-ruleset COUNT ENDPOINTS [VIP:PORT=BACKEND:PORT...]\n");
        return 2;
    }
    std::vector<nodeplane::bench::BaselineService> real;
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        auto eq = arg.find('=');
        auto colon = arg.rfind(':', eq);
        if (eq == std::string::npos || colon == std::string::npos) {
            std::fprintf(stderr, "kube-proxy-ruleset: '%s' is not VIP:PORT=BACKEND:PORT\n", argv[i]);
            return 2;
        }
        nodeplane::bench::BaselineService s;
        s.name = "bench/real-" + std::to_string(i - 3) + ":http";
        s.clusterIp = arg.substr(0, colon);
        s.port = static_cast<std::uint16_t>(std::atoi(arg.substr(colon + 1, eq - colon - 1).c_str()));
        s.endpoints.push_back(arg.substr(eq + 1));
        real.push_back(std::move(s));
    }
    auto services = nodeplane::bench::syntheticServices(static_cast<std::uint32_t>(std::atoi(argv[1])),
                                                        static_cast<std::uint32_t>(std::atoi(argv[2])),
                                                        std::move(real));
    std::fputs(nodeplane::bench::kubeProxyRuleset(services).c_str(), stdout);
    return 0;
}
