#include "nodeplanectl/services_render.h"

#include "nodeplanectl/text_table.h"

namespace nodeplane::ctl {
namespace {

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : ",") + w;
    return out.empty() ? "-" : out;
}

std::string frontendFlags(const bus::ServiceRecord& s) {
    std::vector<std::string> words;
    for (const auto& flag : s.flags)
        words.push_back(flag == "affinity" ? "affinity(" + std::to_string(s.affinityTimeoutSeconds) + "s)" : flag);
    return joined(words);
}

std::string backendFlags(const bus::ServiceBackendRecord& b) {
    std::string out = b.local ? "local" : "remote";
    if (b.terminating) out += ",terminating";
    return out;
}

}  // namespace

std::string endpointText(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

nlohmann::ordered_json servicesToJson(const std::vector<bus::ServiceRecord>& services) {
    using nlohmann::ordered_json;
    ordered_json list = ordered_json::array();
    for (const auto& s : services) {
        ordered_json backends = ordered_json::array();
        for (const auto& b : s.backends)
            backends.push_back({{"id", b.id},
                                {"address", b.address},
                                {"port", b.port},
                                {"local", b.local},
                                {"terminating", b.terminating}});
        list.push_back({{"address", s.address},
                        {"port", s.port},
                        {"protocol", s.protocol},
                        {"scope", s.scope},
                        {"flags", s.flags},
                        {"affinityTimeoutSeconds", s.affinityTimeoutSeconds},
                        {"serviceId", s.serviceId},
                        {"revNatId", s.revNatId},
                        {"backendCount", s.backendCount},
                        {"activeHalf", s.activeHalf},
                        {"backends", std::move(backends)}});
    }
    return ordered_json{{"services", std::move(list)}};
}

std::string servicesToText(const std::vector<bus::ServiceRecord>& services) {
    if (services.empty()) return "No services in the datapath\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : services) {
        rows.push_back({endpointText(s.address, s.port) + "/" + s.protocol, s.scope, std::to_string(s.serviceId),
                        std::to_string(s.backendCount), std::to_string(s.activeHalf), frontendFlags(s)});
        for (const auto& b : s.backends) rows.push_back({"  " + endpointText(b.address, b.port), "", "", "", "",
                                                         backendFlags(b)});
    }
    return renderTable({{"FRONTEND"}, {"SCOPE"}, {"SERVICE", true}, {"BACKENDS", true}, {"HALF", true}, {"FLAGS"}},
                       rows);
}

}  // namespace nodeplane::ctl
