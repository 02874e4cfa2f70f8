#include "nodeplanectl/policy_render.h"

#include "nodeplanectl/text_table.h"

namespace nodeplane::ctl {
namespace {

std::string joined(const std::vector<std::string>& words, const char* none) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ",") + w;
    return out.empty() ? none : out;
}

std::string portsText(const bus::PolicyAllowRecord& a) {
    if (a.protocol == "any") return "any";
    if (a.portFirst == 0 && a.portLast == 65535) return a.protocol;
    std::string ports = std::to_string(a.portFirst);
    if (a.portLast != a.portFirst) ports += "-" + std::to_string(a.portLast);
    return ports + "/" + a.protocol;
}

std::string isolationText(bool isolated, const std::vector<std::string>& policies) {
    if (!isolated) return "not isolated: every connection allowed";
    return "isolated by " + joined(policies, "-");
}

}  // namespace

nlohmann::ordered_json identitiesToJson(const std::vector<bus::IdentityRecord>& identities) {
    using nlohmann::ordered_json;
    ordered_json list = ordered_json::array();
    for (const auto& i : identities)
        list.push_back({{"id", i.id},
                        {"kind", i.kind},
                        {"name", i.name},
                        {"labels", i.labels},
                        {"addresses", i.addresses}});
    return ordered_json{{"identities", std::move(list)}};
}

std::string identitiesToText(const std::vector<bus::IdentityRecord>& identities) {
    if (identities.empty()) return "No identities\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : identities)
        rows.push_back({std::to_string(i.id), i.kind, i.name, joined(i.labels, "-"), std::to_string(i.addresses)});
    return renderTable({{"ID", true}, {"KIND"}, {"NAME"}, {"LABELS"}, {"ADDRESSES", true}}, rows);
}

nlohmann::ordered_json policyToJson(const bus::EndpointPolicyRecord& p) {
    using nlohmann::ordered_json;
    ordered_json allows = ordered_json::array();
    for (const auto& a : p.allows)
        allows.push_back({{"direction", a.direction},
                          {"remoteIdentity", a.remoteIdentity},
                          {"remote", a.remote},
                          {"protocol", a.protocol},
                          {"portFirst", a.portFirst},
                          {"portLast", a.portLast},
                          {"policyId", a.policyId},
                          {"policy", a.policy}});
    return ordered_json{{"pod", p.pod},
                        {"endpointId", p.endpointId},
                        {"identity", p.identity},
                        {"ingressIsolated", p.ingressIsolated},
                        {"egressIsolated", p.egressIsolated},
                        {"ingressPolicies", p.ingressPolicies},
                        {"egressPolicies", p.egressPolicies},
                        {"allows", std::move(allows)}};
}

std::string policyToText(const bus::EndpointPolicyRecord& p) {
    std::string out = p.pod + " (endpoint " + std::to_string(p.endpointId) + ", identity " +
                      std::to_string(p.identity) + ")\n";
    out += "  ingress: " + isolationText(p.ingressIsolated, p.ingressPolicies) + "\n";
    out += "  egress:  " + isolationText(p.egressIsolated, p.egressPolicies) + "\n";
    if (p.allows.empty()) return out + (p.ingressIsolated || p.egressIsolated ? "  nothing allowed\n" : "");
    std::vector<std::vector<std::string>> rows;
    for (const auto& a : p.allows)
        rows.push_back({a.direction, a.remote + " (" + std::to_string(a.remoteIdentity) + ")", portsText(a),
                        a.policy.empty() ? "#" + std::to_string(a.policyId) : a.policy});
    return out + "\n" + renderTable({{"DIRECTION"}, {"REMOTE"}, {"PORTS"}, {"POLICY"}}, rows);
}

}  // namespace nodeplane::ctl
