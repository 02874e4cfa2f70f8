// Every case of the shared netpol-public.json (the Kubernetes NetworkPolicy
// e2e truth tables) and of our own netpol-own.json through the real pipeline
// up to the maps: k8sjson ->
// the policy compiler -> what the datapath's lookups decide
// (policy_oracle.h), on one node and with the pods spread over two nodes
// (egress decided on the client's node, ingress on the server's). Every
// non-loopback cell of every probe must match.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include <set>

#include "policy/policy_compiler.h"
#include "policy_oracle.h"
#include "support/netpol_cases.h"

using namespace nodeplane;
using namespace nodeplane::policy;
using namespace nodeplane::test;

namespace {

std::uint8_t wire(state::Protocol p) {
    return p == state::Protocol::UDP ? IPPROTO_UDP : p == state::Protocol::SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
}

struct NodeView {
    DesiredPolicy policy;
    std::map<std::string, std::uint32_t> endpointOf;  // local pods
};

NodeView compileFor(const netpol::CaseSet& cases, const netpol::Case& theCase, std::size_t stepIndex,
                    const NetpolLayout& layout, const std::string& node, PolicyIds& ids, CaseFailures& f,
                    NetpolStep& step) {
    auto steps = netpolSteps(cases, theCase, layout, node, f);
    step = steps.at(stepIndex);
    NodeView view;
    std::vector<compiler::LocalEndpoint> local;
    std::uint32_t id = 1;
    for (const auto& pod : step.model.pods)
        if (pod.interface) {
            std::string key = pod.namespace_ + "/" + pod.name;
            view.endpointOf[key] = id;
            local.push_back({pod.podIPs[0], *pod.interface, key, id++});
        }
    view.policy = compilePolicy(step.model, local, {}, ids);
    return view;
}

int gradeCase(const netpol::CaseSet& cases, const netpol::Case& theCase, const NetpolLayout& layout,
              CaseFailures& f) {
    std::set<std::string> nodes;
    for (const auto& [pod, node] : layout.node) nodes.insert(node);
    std::map<std::string, PolicyIds> ids;  // per node, across the case's steps
    int cells = 0;
    for (std::size_t s = 0; s < theCase.steps.size(); ++s) {
        std::map<std::string, NodeView> views;
        NetpolStep step;
        for (const auto& node : nodes) views[node] = compileFor(cases, theCase, s, layout, node, ids[node], f, step);
        for (const auto& probe : step.probes)
            for (const auto& from : kNetpolPods)
                for (const auto& to : kNetpolPods) {
                    if (from == to) continue;  // upstream never grades loopback
                    const auto& client = views.at(layout.node.at(from));
                    const auto& server = views.at(layout.node.at(to));
                    bool egress = policy::test::oracleAllows(client.policy, client.endpointOf.at(from), Direction::Egress,
                                               layout.ip.at(to), wire(probe.protocol), probe.port);
                    bool ingress = policy::test::oracleAllows(server.policy, server.endpointOf.at(to), Direction::Ingress,
                                                layout.ip.at(from), wire(probe.protocol), probe.port);
                    bool want = probe.expected.at(from).at(to);
                    f.check((egress && ingress) == want,
                            step.where + " " + std::to_string(probe.port) + "/" +
                                (probe.protocol == state::Protocol::UDP ? "udp" : "tcp") + " " + from + " -> " + to,
                            std::string("expected ") + (want ? "connected" : "denied") + ", compiled egress " +
                                (egress ? "allows" : "denies") + ", ingress " + (ingress ? "allows" : "denies"));
                    ++cells;
                }
    }
    return cells;
}

// Every probe of every case, 72 graded cells each (9 x 9 without loopback).
int cellsIn(const netpol::CaseSet& cases) {
    int probes = 0;
    for (const auto& c : cases.cases)
        for (const auto& step : c.steps) probes += static_cast<int>(step.probes.size());
    return probes * 72;
}

}  // namespace

TEST_GROUP(NetpolCases){};

TEST(NetpolCases, BothFilesAreGraded) {
    auto cases = loadNetpolCases();
    CHECK(cases.find("np-001") != nullptr);
    CHECK(cases.find("own-003") != nullptr);
    CHECK(cellsIn(cases) >= 20 * 72);
}

TEST(NetpolCases, EveryCaseOnOneNode) {
    auto cases = loadNetpolCases();
    CaseFailures f;
    int cells = 0;
    for (const auto& c : cases.cases) cells += gradeCase(cases, c, NetpolLayout::oneNode(), f);
    STRCMP_EQUAL("", f.text.c_str());
    LONGS_EQUAL(cellsIn(cases), cells);
}

TEST(NetpolCases, EveryCaseAcrossTwoNodes) {
    auto cases = loadNetpolCases();
    CaseFailures f;
    int cells = 0;
    for (const auto& c : cases.cases) cells += gradeCase(cases, c, NetpolLayout::twoNodes(), f);
    STRCMP_EQUAL("", f.text.c_str());
    LONGS_EQUAL(cellsIn(cases), cells);
}
