#include "nodeplanectl/observe_render.h"

namespace nodeplane::ctl {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "10.0.1.5:40000", "[fd00::5]:80", or the bare address when there is no port.
std::string address(const json& side) {
    std::string ip = text(side, "ip");
    if (!side.contains("port")) return ip;
    if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
    return ip + ":" + std::to_string(side["port"].get<unsigned>());
}

std::string endpoint(const json& side) {
    const std::string kind = text(side, "kind");
    if (kind == "pod") return text(side, "namespace") + "/" + text(side, "pod") + " " + address(side);
    if (kind == "node") return "node/" + text(side, "node") + " " + address(side);
    return address(side);
}

std::string verdictWord(const std::string& verdict) {
    if (verdict == "allow") return "ALLOW";
    if (verdict == "deny") return "DENY ";
    if (verdict == "drop") return "DROP ";
    return verdict;
}

std::string kindWord(const std::string& kind) {
    if (kind == "policy-verdict") return "policy ";
    if (kind == "service-translation") return "service";
    if (kind == "flow-open") return "open   ";
    if (kind == "flow-close") return "close  ";
    if (kind == "drop") return "drop   ";
    return kind;
}

// What decided: the policies, the drop reason, the frontend, why a flow
// closed ("finished", "idle-timeout"), the totals.
std::string detail(const json& flow) {
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : " ") + part; };
    if (flow.contains("direction")) add(text(flow, "direction"));
    if (auto policies = flow.find("policies"); policies != flow.end() && policies->is_array()) {
        std::string names;
        for (const auto& policy : *policies)
            names += (names.empty() ? "" : ", ") + text(policy, "namespace") + "/" + text(policy, "name");
        add(names.empty() ? "(no policy of this direction applies)" : "by " + names);
    }
    if (flow.contains("dropReason")) add("reason " + text(flow, "dropReason"));
    if (auto frontend = flow.find("frontend"); frontend != flow.end()) add("via " + address(*frontend));
    if (flow.contains("close")) add(text(flow, "close"));
    if (flow.contains("packets"))
        add(std::to_string(flow["packets"].get<std::uint64_t>()) + " packets " +
            std::to_string(flow["bytes"].get<std::uint64_t>()) + " bytes");
    return out;
}

}  // namespace

std::string observeFlowToText(const json& flow) {
    std::string line = text(flow, "time") + " " + verdictWord(text(flow, "verdict")) + " " +
                       kindWord(text(flow, "kind")) + " " + endpoint(flow.value("src", json::object())) + " -> " +
                       endpoint(flow.value("dst", json::object())) + " " + text(flow, "protocol");
    std::string why = detail(flow);
    if (!why.empty()) line += " " + why;
    return line;
}

std::string observeLostToText(std::uint64_t lost) {
    return "-- " + std::to_string(lost) + (lost == 1 ? " flow" : " flows") + " lost: this client read too slowly --";
}

}  // namespace nodeplane::ctl
