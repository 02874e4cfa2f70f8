#include "nodeplanectl/status_render.h"

#include <cmath>
#include <cstdio>

#include "common/rfc3339.h"
#include "nodeplanectl/drain_render.h"
#include "nodeplanectl/feed_render.h"
#include "nodeplanectl/text_table.h"

namespace nodeplane::ctl {
namespace {

using std::chrono::system_clock;

system_clock::time_point usecToTime(std::uint64_t usec) {
    return system_clock::time_point{std::chrono::microseconds{usec}};
}

system_clock::time_point appliedAt(const bus::NodeStatus& status) { return usecToTime(status.appliedUsec); }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out.empty() ? "-" : out;
}

std::string percentText(double percent) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f%%", percent);
    return buf;
}

std::string appliedLine(const bus::NodeStatus& status, system_clock::time_point now) {
    if (status.appliedUsec == 0) return "nothing applied yet";
    auto age = std::chrono::floor<std::chrono::seconds>(now - appliedAt(status)).count();
    return "generation " + std::to_string(status.generation) + " at " +
           formatRfc3339Millis(appliedAt(status)) + " (" + std::to_string(std::max<long long>(age, 0)) +
           " s ago)";
}

std::string interfacesText(const bus::NodeStatus& status) {
    if (status.interfaces.empty()) return "Interfaces: none\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : status.interfaces)
        rows.push_back({i.name, std::to_string(i.ifindex), i.role, joined(i.programs), std::to_string(i.rxPackets),
                        std::to_string(i.rxBytes), std::to_string(i.txPackets), std::to_string(i.txBytes)});
    return "Interfaces:\n" + renderTable({{"NAME"},
                                          {"IFINDEX", true},
                                          {"ROLE"},
                                          {"PROGRAMS"},
                                          {"RX PACKETS", true},
                                          {"RX BYTES", true},
                                          {"TX PACKETS", true},
                                          {"TX BYTES", true}},
                                         rows);
}

std::string mapsText(const bus::NodeStatus& status) {
    if (status.maps.empty()) return "Maps: none\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : status.maps)
        rows.push_back({m.name, m.type, std::to_string(m.entries) + "/" + std::to_string(m.maxEntries),
                        isArray(m) ? "-" : percentText(fillPercent(m.entries, m.maxEntries))});
    return "Maps:\n" + renderTable({{"NAME"}, {"TYPE"}, {"ENTRIES/MAX", true}, {"FILL", true}}, rows);
}

std::string statsText(const bus::NodeStatus& status) {
    if (status.stats.empty()) return "Counters: none\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : status.stats) rows.push_back({s.name, std::to_string(s.value)});
    return "Counters:\n" + renderTable({{"NAME"}, {"VALUE", true}}, rows);
}

std::string conntrackText(const bus::ConntrackPressure& c, system_clock::time_point now) {
    std::string text = "Conntrack:\n";
    text += "  Entries:   " + std::to_string(c.entries) + "/" + std::to_string(c.capacity) + " (" +
            percentText(fillPercent(c.entries, c.capacity)) + ")\n";
    text += "  Ageing:    every " + std::to_string(c.gcIntervalSeconds) + " s";
    if (c.gcPasses == 0) {
        text += ", no pass yet\n";
    } else {
        auto ago = std::chrono::floor<std::chrono::seconds>(now - usecToTime(c.lastGcUsec)).count();
        text += ", last pass " + std::to_string(std::max<long long>(ago, 0)) + " s ago in " +
                std::to_string(c.lastGcDurationUsec / 1000) + " ms (" + std::to_string(c.gcPasses) + " passes)\n";
    }
    std::string byState;
    for (const auto& s : c.agedOutByState)
        byState += (byState.empty() ? "" : ", ") + s.name + " " + std::to_string(s.value);
    text += "  Aged out:  " + std::to_string(c.agedOut) + (byState.empty() ? "" : " (" + byState + ")") + "\n";
    if (!c.lastGcError.empty()) text += "  Failed:    " + c.lastGcError + " (the last ageing pass)\n";
    return text;
}

nlohmann::ordered_json conntrackJson(const bus::ConntrackPressure& c) {
    using nlohmann::ordered_json;
    ordered_json byState = ordered_json::object();
    for (const auto& s : c.agedOutByState) byState[s.name] = s.value;
    ordered_json lastGcAt = nullptr;
    if (c.lastGcUsec != 0) lastGcAt = formatRfc3339Millis(usecToTime(c.lastGcUsec));
    return ordered_json{{"entries", c.entries},
                        {"capacity", c.capacity},
                        {"fillPercent", fillPercent(c.entries, c.capacity)},
                        {"gcIntervalSeconds", c.gcIntervalSeconds},
                        {"gcPasses", c.gcPasses},
                        {"lastGcAt", std::move(lastGcAt)},
                        {"lastGcDurationUsec", c.lastGcDurationUsec},
                        {"lastGcError", c.lastGcError},
                        {"agedOut", c.agedOut},
                        {"agedOutByState", std::move(byState)}};
}

}  // namespace

bool isArray(const bus::MapStatus& map) {
    // Arrays hold all their slots from creation (counters indexed by enum):
    // a fill level would always read 100% and mean nothing.
    return map.type.ends_with("array");
}

double fillPercent(std::uint32_t entries, std::uint32_t maxEntries) {
    if (maxEntries == 0) return 0.0;
    return std::round(1000.0 * entries / maxEntries) / 10.0;
}

nlohmann::ordered_json statusToJson(const bus::NodeStatus& status) {
    using nlohmann::ordered_json;
    ordered_json interfaces = ordered_json::array();
    for (const auto& i : status.interfaces)
        interfaces.push_back({{"name", i.name},
                              {"ifindex", i.ifindex},
                              {"role", i.role},
                              {"programs", i.programs},
                              {"rxPackets", i.rxPackets},
                              {"rxBytes", i.rxBytes},
                              {"txPackets", i.txPackets},
                              {"txBytes", i.txBytes}});
    ordered_json maps = ordered_json::array();
    for (const auto& m : status.maps)
        maps.push_back({{"name", m.name},
                        {"type", m.type},
                        {"entries", m.entries},
                        {"maxEntries", m.maxEntries},
                        {"fillPercent", isArray(m) ? ordered_json(nullptr)
                                                   : ordered_json(fillPercent(m.entries, m.maxEntries))}});
    ordered_json stats = ordered_json::array();
    for (const auto& s : status.stats) stats.push_back({{"name", s.name}, {"value", s.value}});

    ordered_json appliedAtJson = nullptr;
    if (status.appliedUsec != 0) appliedAtJson = formatRfc3339Millis(appliedAt(status));
    ordered_json out{{"node", status.node},
                        {"phase", status.phase},
                        {"healthy", status.healthy},
                        {"stateSource", status.stateSource},
                        {"statePath", status.statePath},
                        {"generation", status.generation},
                        {"appliedAt", std::move(appliedAtJson)},
                        {"appliedUsec", status.appliedUsec},
                        {"lastError", status.lastRefusedReload},
                        {"pendingInterfaces", status.pendingInterfaces},
                        {"interfaces", std::move(interfaces)},
                        {"maps", std::move(maps)},
                        {"stats", std::move(stats)},
                        {"conntrack", conntrackJson(status.conntrack)},
                        {"drain", drainToJson(status.drain)}};
    if (status.stateSource == "kubernetes") out["kubernetes"] = feedToJson(status.feed);
    return out;
}

std::string statusToText(const bus::NodeStatus& status, system_clock::time_point now) {
    std::string source = status.stateSource;
    if (!status.statePath.empty()) source += " " + status.statePath;
    std::string text;
    text += "Node:     " + status.node + "\n";
    text += "Phase:    " + status.phase + (status.healthy ? " (healthy)" : " (not healthy)") + "\n";
    text += "State:    " + source + "\n";
    if (status.stateSource == "kubernetes") text += feedToText(status.feed, now);
    text += "Applied:  " + appliedLine(status, now) + "\n";
    text += "Drain:    " + drainToText(status.drain, now) + "\n";
    if (!status.pendingInterfaces.empty())
        text += "Pending:  " + joined(status.pendingInterfaces) + " (named by the state, not present yet)\n";
    if (!status.lastRefusedReload.empty())
        text += "Refused:  " + status.lastRefusedReload + " (the applied state stays in force)\n";
    return text + "\n" + interfacesText(status) + "\n" + mapsText(status) + "\n" + statsText(status) + "\n" +
           conntrackText(status.conntrack, now);
}

}  // namespace nodeplane::ctl
