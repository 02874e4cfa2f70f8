#include "bus/status_codec.h"

#include <vector>

#include "bus/drain_codec.h"
#include "bus/message_strings.h"

namespace nodeplane::bus {
namespace {

int appendInterface(sd_bus_message* m, const InterfaceStatus& i) {
    int r = sd_bus_message_open_container(m, 'r', "sisastttt");
    if (r < 0) return r;
    r = sd_bus_message_append(m, "sis", i.name.c_str(), i.ifindex, i.role.c_str());
    if (r < 0) return r;
    r = appendStrings(m, i.programs);
    if (r < 0) return r;
    r = sd_bus_message_append(m, "tttt", i.rxPackets, i.rxBytes, i.txPackets, i.txBytes);
    if (r < 0) return r;
    return sd_bus_message_close_container(m);
}

int appendCounters(sd_bus_message* m, const std::vector<StatCounter>& counters) {
    int r = sd_bus_message_open_container(m, 'a', "(st)");
    if (r < 0) return r;
    for (const auto& c : counters)
        if ((r = sd_bus_message_append(m, "(st)", c.name.c_str(), c.value)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int readCounters(sd_bus_message* m, std::vector<StatCounter>& counters) {
    int r = sd_bus_message_enter_container(m, 'a', "(st)");
    if (r < 0) return r;
    for (;;) {
        const char* name = nullptr;
        StatCounter counter;
        r = sd_bus_message_read(m, "(st)", &name, &counter.value);
        if (r <= 0) break;
        counter.name = name;
        counters.push_back(std::move(counter));
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

int appendPressure(sd_bus_message* m, const ConntrackPressure& c) {
    int r = sd_bus_message_open_container(m, 'r', "uuutttta(st)s");
    if (r < 0) return r;
    r = sd_bus_message_append(m, "uuutttt", c.entries, c.capacity, c.gcIntervalSeconds, c.gcPasses, c.lastGcUsec,
                              c.lastGcDurationUsec, c.agedOut);
    if (r < 0) return r;
    if ((r = appendCounters(m, c.agedOutByState)) < 0) return r;
    if ((r = sd_bus_message_append(m, "s", c.lastGcError.c_str())) < 0) return r;
    return sd_bus_message_close_container(m);
}

int readPressure(sd_bus_message* m, ConntrackPressure& c) {
    int r = sd_bus_message_enter_container(m, 'r', "uuutttta(st)s");
    if (r < 0) return r;
    r = sd_bus_message_read(m, "uuutttt", &c.entries, &c.capacity, &c.gcIntervalSeconds, &c.gcPasses, &c.lastGcUsec,
                            &c.lastGcDurationUsec, &c.agedOut);
    if (r < 0) return r;
    if ((r = readCounters(m, c.agedOutByState)) < 0) return r;
    const char* error = nullptr;
    if ((r = sd_bus_message_read(m, "s", &error)) < 0) return r;
    c.lastGcError = error;
    return sd_bus_message_exit_container(m);
}

int appendFeed(sd_bus_message* m, const StateFeedStatus& f) {
    return sd_bus_message_append(m, "(bsbbbststtttt)", static_cast<int>(f.degraded), f.degradedReason.c_str(),
                                 static_cast<int>(f.servingLastKnown), static_cast<int>(f.synced),
                                 static_cast<int>(f.connected), f.lastError.c_str(), f.lastContactUsec,
                                 f.lastKnownPath.c_str(), f.lastKnownSavedUsec, f.relists, f.watchRestarts, f.events,
                                 f.errors);
}

int readFeed(sd_bus_message* m, StateFeedStatus& f) {
    int degraded = 0, lastKnown = 0, synced = 0, connected = 0;
    const char* reason = nullptr;
    const char* error = nullptr;
    const char* path = nullptr;
    int r = sd_bus_message_read(m, "(bsbbbststtttt)", &degraded, &reason, &lastKnown, &synced, &connected, &error,
                                &f.lastContactUsec, &path, &f.lastKnownSavedUsec, &f.relists, &f.watchRestarts,
                                &f.events, &f.errors);
    if (r < 0) return r;
    f.degraded = degraded != 0;
    f.degradedReason = reason;
    f.servingLastKnown = lastKnown != 0;
    f.synced = synced != 0;
    f.connected = connected != 0;
    f.lastError = error;
    f.lastKnownPath = path;
    return 0;
}

int readInterface(sd_bus_message* m, InterfaceStatus& i) {
    const char* name = nullptr;
    const char* role = nullptr;
    int r = sd_bus_message_read(m, "sis", &name, &i.ifindex, &role);
    if (r < 0) return r;
    i.name = name;
    i.role = role;
    r = readStrings(m, i.programs);
    if (r < 0) return r;
    return sd_bus_message_read(m, "tttt", &i.rxPackets, &i.rxBytes, &i.txPackets, &i.txBytes);
}

}  // namespace

int appendStatus(sd_bus_message* m, const NodeStatus& s) {
    int r = sd_bus_message_append(m, "ssssbtts", s.node.c_str(), s.stateSource.c_str(), s.statePath.c_str(),
                                  s.phase.c_str(), static_cast<int>(s.healthy), s.generation, s.appliedUsec,
                                  s.lastRefusedReload.c_str());
    if (r < 0) return r;
    r = appendStrings(m, s.pendingInterfaces);
    if (r < 0) return r;

    r = sd_bus_message_open_container(m, 'a', "(sisastttt)");
    if (r < 0) return r;
    for (const auto& i : s.interfaces)
        if ((r = appendInterface(m, i)) < 0) return r;
    r = sd_bus_message_close_container(m);
    if (r < 0) return r;

    r = sd_bus_message_open_container(m, 'a', "(ssuu)");
    if (r < 0) return r;
    for (const auto& map : s.maps)
        if ((r = sd_bus_message_append(m, "(ssuu)", map.name.c_str(), map.type.c_str(), map.maxEntries,
                                       map.entries)) < 0)
            return r;
    r = sd_bus_message_close_container(m);
    if (r < 0) return r;

    if ((r = appendCounters(m, s.stats)) < 0) return r;
    if ((r = appendPressure(m, s.conntrack)) < 0) return r;
    if ((r = appendDrain(m, s.drain)) < 0) return r;
    return appendFeed(m, s.feed);
}

namespace {

int readAll(sd_bus_message* m, NodeStatus& s) {
    const char* node = nullptr;
    const char* source = nullptr;
    const char* path = nullptr;
    const char* phase = nullptr;
    const char* refused = nullptr;
    int healthy = 0;
    int r = sd_bus_message_read(m, "ssssbtts", &node, &source, &path, &phase, &healthy, &s.generation,
                                &s.appliedUsec, &refused);
    if (r < 0) return r;
    s.node = node;
    s.stateSource = source;
    s.statePath = path;
    s.phase = phase;
    s.healthy = healthy != 0;
    s.lastRefusedReload = refused;
    r = readStrings(m, s.pendingInterfaces);
    if (r < 0) return r;

    r = sd_bus_message_enter_container(m, 'a', "(sisastttt)");
    if (r < 0) return r;
    while ((r = sd_bus_message_enter_container(m, 'r', "sisastttt")) > 0) {
        InterfaceStatus i;
        if ((r = readInterface(m, i)) < 0) return r;
        if ((r = sd_bus_message_exit_container(m)) < 0) return r;
        s.interfaces.push_back(std::move(i));
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;

    r = sd_bus_message_enter_container(m, 'a', "(ssuu)");
    if (r < 0) return r;
    for (;;) {
        const char* name = nullptr;
        const char* type = nullptr;
        MapStatus map;
        r = sd_bus_message_read(m, "(ssuu)", &name, &type, &map.maxEntries, &map.entries);
        if (r <= 0) break;
        map.name = name;
        map.type = type;
        s.maps.push_back(std::move(map));
    }
    if (r < 0) return r;
    if ((r = sd_bus_message_exit_container(m)) < 0) return r;

    if ((r = readCounters(m, s.stats)) < 0) return r;
    if ((r = readPressure(m, s.conntrack)) < 0) return r;
    if ((r = readDrain(m, s.drain)) < 0) return r;
    return readFeed(m, s.feed);
}

}  // namespace

Result<NodeStatus> readStatus(sd_bus_message* message) {
    if (sd_bus_message_has_signature(message, kStatusSignature) <= 0)
        return Error::logical(std::string("The daemon's status has signature '") +
                              sd_bus_message_get_signature(message, 1) + "', expected '" + kStatusSignature +
                              "': nodeplanectl and nodeplaned differ in version");
    NodeStatus status;
    int r = readAll(message, status);
    if (r < 0) return Error::fromErrno(r, "Failed to decode the daemon's status");
    return status;
}

}  // namespace nodeplane::bus
