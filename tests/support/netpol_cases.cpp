#include "support/netpol_cases.h"

#include <CppUTest/TestHarness.h>

#include <set>

#include "case_state.h"
#include "k8sjson/k8sjson.h"
#include "symbolic_cidr.h"

namespace nodeplane::test {

using nlohmann::json;

namespace {

std::string hostInterface(const netpol::ModelPod& pod) { return "np-" + pod.namespace_ + pod.name; }

state::Model modelOf(const netpol::CaseState& s, const netpol::Case& theCase, const NetpolLayout& layout,
                     const std::string& localNode, CaseFailures& f, const std::string& where) {
    state::Model m;
    m.node = localNode;
    std::set<std::string> nodes;
    for (const auto& [pod, node] : layout.node) nodes.insert(node);
    std::uint32_t n = 0;
    for (const auto& node : nodes)
        m.nodes.push_back(state::Node{.name = node, .addresses = {IpAddress::v4((192u << 24) | (168u << 16) | ++n)}});
    for (const auto& ns : s.namespaces) m.namespaces.push_back(state::Namespace{.name = ns.name, .labels = ns.labels});
    for (const auto& modelPod : s.pods) {
        state::Pod pod;
        pod.namespace_ = modelPod.namespace_;
        pod.name = modelPod.name;
        pod.labels = modelPod.labels;
        pod.nodeName = layout.node.at(modelPod.id);
        pod.podIPs = {layout.ip.at(modelPod.id)};
        for (const auto& server : theCase.servers)
            pod.ports.push_back(state::ContainerPort{server.name, server.port, protocolOf(server.protocol)});
        if (pod.nodeName == localNode) pod.interface = hostInterface(modelPod);
        m.pods.push_back(std::move(pod));
    }
    json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", json::array()}};
    for (const auto& policy : s.policies) {
        auto resolved = netpol::resolvePolicyCidrs(policy, layout.ip, where);
        f.check(resolved.ok(), where, resolved.ok() ? "" : resolved.error().message);
        if (resolved) list["items"].push_back(*resolved);
    }
    auto parsed = k8sjson::parseJson(list, where);
    f.check(parsed.ok(), where, "k8sjson refused the case's policies: " + formatInputErrors(parsed.errors));
    k8sjson::appendTo(m, std::move(parsed.objects));
    return m;
}

NetpolProbe probeOf(const netpol::Probe& probe, const netpol::Model& model) {
    NetpolProbe p;
    p.protocol = protocolOf(probe.protocol);
    p.port = probe.port;
    for (std::size_t from = 0; from < model.pods.size(); ++from)
        for (std::size_t to = 0; to < model.pods.size(); ++to)
            p.expected[model.pods[from].id][model.pods[to].id] = probe.expected[from][to];
    return p;
}

}  // namespace

NetpolLayout NetpolLayout::oneNode() {
    NetpolLayout l;
    for (std::size_t i = 0; i < kNetpolPods.size(); ++i) {
        l.ip[kNetpolPods[i]] =
            IpAddress::v4((10u << 24) | (244u << 16) | (static_cast<std::uint32_t>(i / 3 + 1) << 8) | (10 + i % 3));
        l.node[kNetpolPods[i]] = "n1";
    }
    return l;
}

NetpolLayout NetpolLayout::twoNodes() {
    NetpolLayout l = oneNode();
    for (const auto& id : kNetpolPods)
        if (!(id.starts_with("x/") || id == "y/a")) l.node[id] = "n2";
    return l;
}

netpol::CaseSet loadNetpolCases() {
    auto set = netpol::loadCaseFiles({std::string(NODEPLANE_SHARED_CASES) + "/netpol-public.json", NETPOL_OWN_CASES});
    if (!set) FAIL(set.error().message.c_str());
    std::vector<std::string> pods;
    for (const auto& pod : set->model.pods) pods.push_back(pod.id);
    if (pods != kNetpolPods) FAIL("the case files' model is not the 3 x 3 matrix x/a .. z/c in that order");
    return std::move(*set);
}

std::vector<NetpolStep> netpolSteps(const netpol::CaseSet& cases, const netpol::Case& theCase,
                                    const NetpolLayout& layout, const std::string& localNode, CaseFailures& f) {
    std::vector<NetpolStep> out;
    for (std::size_t i = 0; i < theCase.steps.size(); ++i) {
        const netpol::Step& step = theCase.steps[i];
        NetpolStep result;
        result.where = theCase.id + " step " + std::to_string(step.number);
        auto state = netpol::stateAfterStep(cases.model, theCase, static_cast<int>(i) + 1);
        f.check(state.ok(), result.where, state.ok() ? "" : state.error().message);
        if (!state) continue;
        result.model = modelOf(*state, theCase, layout, localNode, f, result.where);
        for (const auto& probe : step.probes) result.probes.push_back(probeOf(probe, cases.model));
        out.push_back(std::move(result));
    }
    return out;
}

}  // namespace nodeplane::test
