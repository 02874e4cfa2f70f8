// The shared services-public.json cases, read for the tests that run them:
// the compiler's (tests/unit/compiler) and the datapath's (tests/bpf). Builds
// the case's model through k8sjson, as the daemon would read the objects.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/service_flow.h"
#include "state/model.h"

namespace nodeplane::test {

// NODEPLANE_SHARED_CASES/services-public.json; FAILs the test if missing.
nlohmann::json loadServiceCases();
std::vector<nlohmann::json> casesOfKind(const nlohmann::json& doc, const std::string& kind);

// Collects failures so one run reports every broken case, not only the first.
struct CaseFailures {
    std::string text;
    int checks = 0;
    void check(bool ok, const std::string& where, const std::string& what) {
        ++checks;
        if (!ok) text += where + ": " + what + "\n";
    }
};

state::Protocol protocolOf(const std::string& name);
// "host-snatted-to-lb-ip" (node traffic looping back via a LB VIP) is Host.
compiler::SourceKind sourceKindOf(const std::string& kind);
const char* flowResultName(compiler::FlowResult result);

// A model of the case's proxy node plus the given Kubernetes objects.
state::Model caseModel(const nlohmann::json& environment, const nlohmann::json& objects, CaseFailures& f,
                       const std::string& id);
// nodeplane refuses SCTP service ports (the compiler's error, tested on its
// own), where kube-proxy translates them: the case loses its SCTP ports and
// SCTP flows, so the rest of it still runs. Returns how many flows went.
int withoutSctp(nlohmann::json& packetFlowCase);

// The case's node-port addresses and service CIDRs.
compiler::FlowContext caseFlowContext(const nlohmann::json& environment);

}  // namespace nodeplane::test
