// The shared netpol-public.json cases (the Kubernetes NetworkPolicy e2e
// truth tables) as models: the 3 namespaces x 3 pods, the case's servers as
// the pods' named container ports, and the policies and labels in force after
// each step (steps are cumulative), read through k8sjson as the daemon would
// read the objects. For the tests that grade the policy compiler and the
// datapath against the upstream matrices.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state/model.h"
#include "support/service_cases.h"

namespace nodeplane::test {

inline const std::vector<std::string> kNetpolPods = {"x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c"};

// Where each pod runs: its address and node. The default puts every pod on
// one node "n1" at 10.244.<ns 1..3>.<pod 10..12>.
struct NetpolLayout {
    std::map<std::string, IpAddress> ip;     // "x/a" -> address
    std::map<std::string, std::string> node; // "x/a" -> node name
    static NetpolLayout oneNode();
    // x/* and y/a on n1, the rest on n2: pairs within a node and across.
    static NetpolLayout twoNodes();
};

struct NetpolProbe {
    state::Protocol protocol = state::Protocol::TCP;
    std::uint16_t port = 0;
    std::map<std::string, std::map<std::string, bool>> expected;  // from -> to -> connects
};

struct NetpolStep {
    std::string where;  // "np-010 step 1"
    state::Model model; // for node `localNode`: pods there have interfaces
    std::vector<NetpolProbe> probes;
};

// NODEPLANE_SHARED_CASES/netpol-public.json; FAILs the test if missing.
nlohmann::json loadNetpolCases();

// Every step of one case, cumulative, as seen by node `localNode`.
std::vector<NetpolStep> netpolSteps(const nlohmann::json& theCase, const NetpolLayout& layout,
                                    const std::string& localNode, CaseFailures& f);

// podIP(x/b)/32 and net4(podIP(x/b)) in a policy's text, as real prefixes.
std::string substituteSymbolicCidrs(const std::string& text, const NetpolLayout& layout);

}  // namespace nodeplane::test
