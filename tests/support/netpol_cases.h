// The NetworkPolicy case files (shared/cases/netpol-public.json, the
// Kubernetes NetworkPolicy e2e truth tables, and our own netpol-own.json) as
// state models, for the tests that grade the policy compiler against the
// matrices. The files are read and the steps applied by tests/support/netpol
// (the same code the end-to-end harness uses); this adds the node's view: the
// 3 namespaces x 3 pods placed on nodes, the case's servers as the pods' named
// container ports, and the policies read through k8sjson as the daemon reads
// them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "case_model.h"
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

// NODEPLANE_SHARED_CASES/netpol-public.json then NETPOL_OWN_CASES; FAILs the
// test when a file is missing or malformed, or its model is not kNetpolPods.
netpol::CaseSet loadNetpolCases();

// Every step of one case, cumulative, as seen by node `localNode`.
std::vector<NetpolStep> netpolSteps(const netpol::CaseSet& cases, const netpol::Case& theCase,
                                    const NetpolLayout& layout, const std::string& localNode, CaseFailures& f);

}  // namespace nodeplane::test
