// PolicyAttribution graded on every case of the shared netpol-public.json
// (the Kubernetes NetworkPolicy e2e truth tables) and our netpol-own.json:
// for each probe cell, the policies named must be exactly those that, each
// compiled alone by the policy compiler, isolate the pod in that direction
// and allow the connection (policy_oracle.h decides "allow" the way the
// datapath looks it up). And whenever the full compile allows a connection
// of an isolated pod, some policy is named; when it denies, none is.
#include <CppUTest/TestHarness.h>

#include <netinet/in.h>

#include <set>

#include "observe/policy_attribution.h"
#include "policy/policy_compiler.h"
#include "policy_oracle.h"
#include "support/netpol_cases.h"

using namespace nodeplane;
using namespace nodeplane::test;
using nodeplane::observe::PolicyAttribution;
using nodeplane::observe::PolicyDirection;
using nodeplane::observe::PolicyRef;
using nodeplane::policy::Direction;

namespace {

std::uint8_t wire(state::Protocol p) {
    return p == state::Protocol::UDP ? IPPROTO_UDP : p == state::Protocol::SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
}

// A compile of `model` for its node, and the endpoint id of each local pod.
struct Compiled {
    policy::DesiredPolicy policy;
    std::map<std::string, std::uint32_t> endpointOf;

    // Whether `pod` is isolated for `direction` and the compile allows the
    // flow with `remote`.
    bool isolatesAndAllows(const std::string& pod, Direction direction, const IpAddress& remote,
                           std::uint8_t protocol, std::uint16_t port) const {
        std::uint32_t id = endpointOf.at(pod);
        for (const auto& ep : policy.endpoints)
            if (ep.endpointId == id) {
                bool isolated = direction == Direction::Ingress ? ep.ingressIsolated : ep.egressIsolated;
                return isolated && policy::test::oracleAllows(policy, id, direction, remote, protocol, port);
            }
        return false;  // selected by nothing
    }
};

Compiled compile(const state::Model& model) {
    Compiled out;
    std::vector<compiler::LocalEndpoint> local;
    std::uint32_t id = 1;
    for (const auto& pod : model.pods)
        if (pod.interface) {
            std::string key = pod.namespace_ + "/" + pod.name;
            out.endpointOf[key] = id;
            local.push_back({pod.podIPs[0], *pod.interface, key, id++});
        }
    policy::PolicyIds ids;
    out.policy = policy::compilePolicy(model, local, {}, ids);
    return out;
}

// One node's view of one step: the attribution under test, the full
// compile, and each policy compiled alone.
struct NodeView {
    std::unique_ptr<PolicyAttribution> attribution;
    Compiled full;
    std::vector<std::pair<std::string, Compiled>> alone;  // "namespace/name", sorted
};

NodeView viewOf(const state::Model& model) {
    NodeView view;
    view.attribution = std::make_unique<PolicyAttribution>(model);
    view.full = compile(model);
    for (const auto& np : model.networkPolicies) {
        state::Model one = model;
        one.networkPolicies = {np};
        view.alone.emplace_back(np.namespace_ + "/" + np.name, compile(one));
    }
    std::ranges::sort(view.alone, {}, &std::pair<std::string, Compiled>::first);
    return view;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
    return out;
}

// What was graded: cells, and directions where some policy was named.
struct Tally {
    int cells = 0;
    int named = 0;
};

// The cell's one direction, decided on `view`'s node for `local`.
void gradeDirection(const NodeView& view, const std::string& local, const IpAddress& localIp, Direction direction,
                    const IpAddress& remote, std::uint8_t protocol, std::uint16_t port, const std::string& where,
                    CaseFailures& f, Tally& tally) {
    std::vector<std::string> want;
    for (const auto& [name, compiled] : view.alone)
        if (compiled.isolatesAndAllows(local, direction, remote, protocol, port)) want.push_back(name);
    std::vector<std::string> got;
    const auto dir = direction == Direction::Ingress ? PolicyDirection::Ingress : PolicyDirection::Egress;
    for (const PolicyRef& ref : view.attribution->allowingPolicies(localIp, dir, remote, protocol, port))
        got.push_back(ref.namespace_ + "/" + ref.name);
    tally.named += got.empty() ? 0 : 1;
    const char* label = direction == Direction::Ingress ? " ingress" : " egress";
    f.check(got == want, where + label, "expected [" + joined(want) + "], named [" + joined(got) + "]");
    bool allowedByAll = view.full.isolatesAndAllows(local, direction, remote, protocol, port);
    f.check(allowedByAll == !got.empty(), where + label,
            std::string("the full compile ") + (allowedByAll ? "allows" : "does not allow") + ", named [" +
                joined(got) + "]");
}

void gradeCase(const netpol::CaseSet& cases, const netpol::Case& theCase, const NetpolLayout& layout,
               CaseFailures& f, Tally& tally) {
    std::set<std::string> nodes;
    for (const auto& [pod, node] : layout.node) nodes.insert(node);
    std::map<std::string, std::vector<NetpolStep>> stepsOn;
    for (const auto& node : nodes) stepsOn[node] = netpolSteps(cases, theCase, layout, node, f);
    for (std::size_t s = 0; s < theCase.steps.size(); ++s) {
        std::map<std::string, NodeView> views;
        for (const auto& node : nodes) views[node] = viewOf(stepsOn[node].at(s).model);
        const NetpolStep& step = stepsOn.begin()->second.at(s);
        for (const auto& probe : step.probes)
            for (const auto& from : kNetpolPods)
                for (const auto& to : kNetpolPods) {
                    if (from == to) continue;
                    std::string where = step.where + " " + std::to_string(probe.port) + "/" +
                                        (probe.protocol == state::Protocol::UDP ? "udp" : "tcp") + " " + from +
                                        " -> " + to;
                    const std::uint8_t protocol = wire(probe.protocol);
                    gradeDirection(views.at(layout.node.at(from)), from, layout.ip.at(from), Direction::Egress,
                                   layout.ip.at(to), protocol, probe.port, where, f, tally);
                    gradeDirection(views.at(layout.node.at(to)), to, layout.ip.at(to), Direction::Ingress,
                                   layout.ip.at(from), protocol, probe.port, where, f, tally);
                    ++tally.cells;
                }
    }
}

int cellsIn(const netpol::CaseSet& cases) {
    int probes = 0;
    for (const auto& c : cases.cases)
        for (const auto& step : c.steps) probes += static_cast<int>(step.probes.size());
    return probes * 72;  // 9 x 9 without loopback
}

}  // namespace

TEST_GROUP(AttributionCases){};

TEST(AttributionCases, EveryCaseOnOneNode) {
    auto cases = loadNetpolCases();
    CHECK(cellsIn(cases) >= 20 * 72);
    CHECK(cases.find("np-001") != nullptr);
    CHECK(cases.find("own-003") != nullptr);
    CaseFailures f;
    Tally tally;
    for (const auto& c : cases.cases) gradeCase(cases, c, NetpolLayout::oneNode(), f, tally);
    STRCMP_EQUAL("", f.text.c_str());
    LONGS_EQUAL(cellsIn(cases), tally.cells);
    // Some connections are allowed by a policy (147 directions at the time
    // of writing); none of these cases allows one by several policies at
    // once, which policy_attribution_test.cpp covers.
    CHECK(tally.named >= 100);
}

TEST(AttributionCases, EveryCaseAcrossTwoNodes) {
    auto cases = loadNetpolCases();
    CaseFailures f;
    Tally tally;
    for (const auto& c : cases.cases) gradeCase(cases, c, NetpolLayout::twoNodes(), f, tally);
    STRCMP_EQUAL("", f.text.c_str());
    LONGS_EQUAL(cellsIn(cases), tally.cells);
    // Some connections are allowed by a policy (147 directions at the time
    // of writing); none of these cases allows one by several policies at
    // once, which policy_attribution_test.cpp covers.
    CHECK(tally.named >= 100);
}
