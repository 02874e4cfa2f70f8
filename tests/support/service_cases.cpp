#include "support/service_cases.h"

#include <CppUTest/TestHarness.h>

#include <algorithm>
#include <fstream>

#include "k8sjson/k8sjson.h"

namespace nodeplane::test {

using nlohmann::json;

json loadServiceCases() {
    const std::string file = std::string(NODEPLANE_SHARED_CASES) + "/services-public.json";
    std::ifstream in(file);
    if (!in) FAIL(("cannot open " + file).c_str());
    return json::parse(in);
}

std::vector<json> casesOfKind(const json& doc, const std::string& kind) {
    std::vector<json> out;
    for (const auto& c : doc.at("cases"))
        if (c.at("kind") == kind) out.push_back(c);
    return out;
}

state::Protocol protocolOf(const std::string& name) {
    if (name == "UDP") return state::Protocol::UDP;
    if (name == "SCTP") return state::Protocol::SCTP;
    return state::Protocol::TCP;
}

compiler::SourceKind sourceKindOf(const std::string& kind) {
    if (kind == "pod") return compiler::SourceKind::Pod;
    if (kind == "external") return compiler::SourceKind::External;
    return compiler::SourceKind::Host;
}

const char* flowResultName(compiler::FlowResult result) {
    switch (result) {
        case compiler::FlowResult::DNAT: return "DNAT";
        case compiler::FlowResult::Reject: return "REJECT";
        case compiler::FlowResult::Drop: return "DROP";
        case compiler::FlowResult::NotServiceTraffic: return "NOT_SERVICE_TRAFFIC";
    }
    return "?";
}

state::Model caseModel(const json& environment, const json& objects, CaseFailures& f, const std::string& id) {
    state::Model m;
    const auto& node = environment.at("proxy_node");
    m.node = node.at("name");
    state::Node self{.name = m.node};
    for (const auto& a : node.at("addresses")) self.addresses.push_back(*IpAddress::parse(a.get<std::string>()));
    m.nodes.push_back(self);
    json list = {{"apiVersion", "v1"}, {"kind", "List"}, {"items", objects}};
    auto parsed = k8sjson::parseJson(list, id);
    f.check(parsed.ok(), id, "k8sjson refused the case's objects: " + formatInputErrors(parsed.errors));
    k8sjson::appendTo(m, std::move(parsed.objects));
    return m;
}

int withoutSctp(json& c) {
    for (auto& svc : c.at("services")) {
        auto& ports = svc.at("spec").at("ports");
        json kept = json::array();
        for (const auto& p : ports)
            if (p.value("protocol", "TCP") != "SCTP") kept.push_back(p);
        ports = kept;
    }
    int removed = 0;
    for (const char* list : {"flows", "after_endpointslice_deleted"}) {
        if (!c.contains(list)) continue;
        json kept = json::array();
        for (const auto& flow : c.at(list))
            if (flow.at("protocol") != "SCTP")
                kept.push_back(flow);
            else
                ++removed;
        c[list] = kept;
    }
    return removed;
}

compiler::FlowContext caseFlowContext(const json& environment) {
    compiler::FlowContext ctx;
    std::vector<IpPrefix> nodePortPrefixes;
    for (const auto& p : environment.at("nodePortAddresses"))
        nodePortPrefixes.push_back(*IpPrefix::parse(p.get<std::string>()));
    for (const auto& a : environment.at("proxy_node").at("addresses")) {
        auto ip = *IpAddress::parse(a.get<std::string>());
        if (std::any_of(nodePortPrefixes.begin(), nodePortPrefixes.end(), [&](const IpPrefix& p) { return p.contains(ip); }))
            ctx.nodePortAddresses.push_back(ip);
    }
    for (const auto& [family, cidr] : environment.at("service_cidr").items())
        ctx.serviceCIDRs.push_back(*IpPrefix::parse(cidr.get<std::string>()));
    return ctx;
}

}  // namespace nodeplane::test
