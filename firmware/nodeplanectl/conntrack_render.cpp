#include "nodeplanectl/conntrack_render.h"

#include "nodeplanectl/services_render.h"
#include "nodeplanectl/text_table.h"

namespace nodeplane::ctl {
namespace {

constexpr std::uint64_t kNsPerSecond = 1'000'000'000;

std::uint64_t seconds(std::uint64_t ns) { return ns / kNsPerSecond; }

std::string secondsText(std::uint64_t ns) { return std::to_string(seconds(ns)) + "s"; }

std::string notes(const bus::ConntrackRecord& e) {
    std::string out;
    auto add = [&](const std::string& note) { out += (out.empty() ? "" : " ") + note; };
    if (!e.natAddress.empty())
        add((e.direction == "reply" ? "client " : "snat ") + endpointText(e.natAddress, e.natPort));
    if (e.external) add("external");
    if (e.closing) add("closing");
    return out;
}

}  // namespace

std::string tcpFlagLetters(std::uint8_t bits) {
    static constexpr char kLetters[] = {'F', 'S', 'R', 'P', 'A', 'U', 'E', 'C'};  // bits 0..7
    std::string out;
    for (int bit = 0; bit < 8; ++bit)
        if (bits & (1u << bit)) out += kLetters[bit];
    return out;
}

nlohmann::ordered_json conntrackToJson(const bus::ConntrackListing& listing) {
    using nlohmann::ordered_json;
    ordered_json entries = ordered_json::array();
    for (const auto& e : listing.entries) {
        ordered_json nat = nullptr;
        if (!e.natAddress.empty()) nat = ordered_json{{"address", e.natAddress}, {"port", e.natPort}};
        entries.push_back({{"direction", e.direction},
                           {"protocol", e.protocol},
                           {"source", e.source},
                           {"sourcePort", e.sourcePort},
                           {"destination", e.destination},
                           {"destinationPort", e.destinationPort},
                           {"state", e.state},
                           {"ageSeconds", seconds(e.ageNs)},
                           {"idleSeconds", seconds(e.idleNs)},
                           {"timeoutSeconds", seconds(e.timeoutNs)},
                           {"backendId", e.backendId},
                           {"revNatId", e.revNatId},
                           {"tcpFlags", tcpFlagLetters(e.tcpFlags)},
                           {"closing", e.closing},
                           {"external", e.external},
                           {"nat", std::move(nat)}});
    }
    return ordered_json{{"total", listing.total}, {"entries", std::move(entries)}};
}

std::string conntrackToText(const bus::ConntrackListing& listing) {
    if (listing.entries.empty() && listing.total == 0) return "No conntrack entries\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : listing.entries) {
        std::string flags = tcpFlagLetters(e.tcpFlags);
        rows.push_back({e.protocol, endpointText(e.source, e.sourcePort),
                        endpointText(e.destination, e.destinationPort), e.direction, e.state, secondsText(e.ageNs),
                        secondsText(e.idleNs), secondsText(e.timeoutNs), std::to_string(e.backendId),
                        flags.empty() ? "-" : flags, notes(e)});
    }
    std::string text = renderTable({{"PROTO"},
                                    {"SOURCE"},
                                    {"DESTINATION"},
                                    {"DIR"},
                                    {"STATE"},
                                    {"AGE", true},
                                    {"IDLE", true},
                                    {"TIMEOUT", true},
                                    {"BACKEND", true},
                                    {"FLAGS"},
                                    {"NOTES"}},
                                   rows);
    if (listing.total > listing.entries.size())
        text += "Showing the first " + std::to_string(listing.entries.size()) + " of " +
                std::to_string(listing.total) + " entries\n";
    return text;
}

}  // namespace nodeplane::ctl
