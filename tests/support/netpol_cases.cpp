#include "support/netpol_cases.h"

#include <CppUTest/TestHarness.h>

#include <fstream>
#include <regex>
#include <set>

#include "k8sjson/k8sjson.h"

namespace nodeplane::test {

using nlohmann::json;

namespace {

std::string namespaceOf(const std::string& pod) { return pod.substr(0, pod.find('/')); }
std::string nameOf(const std::string& pod) { return pod.substr(pod.find('/') + 1); }

std::string hostInterface(const std::string& pod) { return "np-" + namespaceOf(pod) + nameOf(pod); }

// The cumulative cluster of a case: labels and policies by name.
struct CaseState {
    std::map<std::string, state::Labels> namespaceLabels;
    std::map<std::string, state::Labels> podLabels;
    std::map<std::string, json> policies;  // "ns/name" -> policy object (symbolic CIDRs substituted)
};

void applyAction(const json& action, CaseState& s, const NetpolLayout& layout, CaseFailures& f,
                 const std::string& where) {
    const std::string kind = action.at("action");
    if (kind == "create_policy" || kind == "update_policy") {
        json policy = json::parse(substituteSymbolicCidrs(action.at("policy").dump(), layout));
        const auto& meta = policy.at("metadata");
        s.policies[meta.at("namespace").get<std::string>() + "/" + meta.at("name").get<std::string>()] = policy;
    } else if (kind == "delete_all_policies") {
        s.policies.clear();
    } else if (kind == "add_namespace_label") {
        for (const auto& [k, v] : action.at("labels").items()) s.namespaceLabels[action.at("namespace")][k] = v;
    } else if (kind == "add_pod_labels") {
        for (const auto& [k, v] : action.at("labels").items()) s.podLabels[action.at("pod")][k] = v;
    } else {
        f.check(false, where, "unknown action '" + kind + "'");
    }
}

state::Model modelOf(const CaseState& s, const json& servers, const NetpolLayout& layout, const std::string& localNode,
                     CaseFailures& f, const std::string& where) {
    state::Model m;
    m.node = localNode;
    std::set<std::string> nodes;
    for (const auto& [pod, node] : layout.node) nodes.insert(node);
    std::uint32_t n = 0;
    for (const auto& node : nodes)
        m.nodes.push_back(state::Node{.name = node, .addresses = {IpAddress::v4((192u << 24) | (168u << 16) | ++n)}});
    for (const auto& [ns, labels] : s.namespaceLabels) m.namespaces.push_back(state::Namespace{.name = ns, .labels = labels});
    for (const auto& id : kNetpolPods) {
        state::Pod pod;
        pod.namespace_ = namespaceOf(id);
        pod.name = nameOf(id);
        pod.labels = s.podLabels.at(id);
        pod.nodeName = layout.node.at(id);
        pod.podIPs = {layout.ip.at(id)};
        for (const auto& server : servers)
            pod.ports.push_back(state::ContainerPort{server.at("name"), server.at("containerPort").get<std::uint16_t>(),
                                                     protocolOf(server.at("protocol"))});
        if (pod.nodeName == localNode) pod.interface = hostInterface(id);
        m.pods.push_back(std::move(pod));
    }
    json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", json::array()}};
    for (const auto& [key, policy] : s.policies) list["items"].push_back(policy);
    auto parsed = k8sjson::parseJson(list, where);
    f.check(parsed.ok(), where, "k8sjson refused the case's policies: " + formatInputErrors(parsed.errors));
    k8sjson::appendTo(m, std::move(parsed.objects));
    return m;
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

json loadNetpolCases() {
    const std::string file = std::string(NODEPLANE_SHARED_CASES) + "/netpol-public.json";
    std::ifstream in(file);
    if (!in) FAIL(("cannot open " + file).c_str());
    return json::parse(in);
}

std::string substituteSymbolicCidrs(const std::string& text, const NetpolLayout& layout) {
    std::string out = text;
    static const std::regex hostRoute(R"(podIP\(([a-z]/[a-z])\)/32)");
    static const std::regex net4(R"(net4\(podIP\(([a-z]/[a-z])\)\))");
    std::smatch m;
    while (std::regex_search(out, m, hostRoute))
        out = m.prefix().str() + layout.ip.at(m[1]).toString() + "/32" + m.suffix().str();
    while (std::regex_search(out, m, net4)) {
        // The /4 that holds the address: its first octet's top four bits.
        std::uint32_t first = layout.ip.at(m[1]).bytes[0] & 0xf0u;
        out = m.prefix().str() + std::to_string(first) + ".0.0.0/4" + m.suffix().str();
    }
    return out;
}

std::vector<NetpolStep> netpolSteps(const json& theCase, const NetpolLayout& layout, const std::string& localNode,
                                    CaseFailures& f) {
    CaseState s;
    for (const auto& ns : {"x", "y", "z"}) s.namespaceLabels[ns] = {{"ns", ns}, {"kubernetes.io/metadata.name", ns}};
    for (const auto& id : kNetpolPods) s.podLabels[id] = {{"pod", nameOf(id)}};
    std::vector<NetpolStep> out;
    const std::string id = theCase.at("id");
    for (const auto& step : theCase.at("steps")) {
        NetpolStep result;
        result.where = id + " step " + std::to_string(step.at("step").get<int>());
        for (const auto& action : step.at("actions")) applyAction(action, s, layout, f, result.where);
        result.model = modelOf(s, theCase.at("servers"), layout, localNode, f, result.where);
        for (const auto& probe : step.at("probes")) {
            NetpolProbe p;
            p.protocol = protocolOf(probe.at("protocol"));
            p.port = probe.at("port");
            for (const auto& [from, row] : probe.at("matrix").items())
                for (const auto& [to, connects] : row.items()) p.expected[from][to] = connects;
            result.probes.push_back(std::move(p));
        }
        out.push_back(std::move(result));
    }
    return out;
}

}  // namespace nodeplane::test
