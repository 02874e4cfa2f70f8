#include "bus/listing_codec.h"

#include <string>

#include "bus/message_strings.h"

namespace nodeplane::bus {
namespace {

int appendService(sd_bus_message* m, const ServiceRecord& s) {
    int r = sd_bus_message_open_container(m, 'r', "sqssasuuuuya(usqbb)");
    if (r < 0) return r;
    if ((r = sd_bus_message_append(m, "sqss", s.address.c_str(), s.port, s.protocol.c_str(), s.scope.c_str())) < 0)
        return r;
    if ((r = appendStrings(m, s.flags)) < 0) return r;
    if ((r = sd_bus_message_append(m, "uuuuy", s.affinityTimeoutSeconds, s.serviceId, s.revNatId, s.backendCount,
                                   s.activeHalf)) < 0)
        return r;
    if ((r = sd_bus_message_open_container(m, 'a', "(usqbb)")) < 0) return r;
    for (const auto& b : s.backends)
        if ((r = sd_bus_message_append(m, "(usqbb)", b.id, b.address.c_str(), b.port, static_cast<int>(b.local),
                                       static_cast<int>(b.terminating))) < 0)
            return r;
    if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int readBackends(sd_bus_message* m, std::vector<ServiceBackendRecord>& backends) {
    int r = sd_bus_message_enter_container(m, 'a', "(usqbb)");
    if (r < 0) return r;
    for (;;) {
        ServiceBackendRecord b;
        const char* address = nullptr;
        int local = 0, terminating = 0;
        r = sd_bus_message_read(m, "(usqbb)", &b.id, &address, &b.port, &local, &terminating);
        if (r <= 0) break;
        b.address = address;
        b.local = local != 0;
        b.terminating = terminating != 0;
        backends.push_back(std::move(b));
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

int readService(sd_bus_message* m, ServiceRecord& s) {
    const char* address = nullptr;
    const char* protocol = nullptr;
    const char* scope = nullptr;
    int r = sd_bus_message_read(m, "sqss", &address, &s.port, &protocol, &scope);
    if (r < 0) return r;
    s.address = address;
    s.protocol = protocol;
    s.scope = scope;
    if ((r = readStrings(m, s.flags)) < 0) return r;
    r = sd_bus_message_read(m, "uuuuy", &s.affinityTimeoutSeconds, &s.serviceId, &s.revNatId, &s.backendCount,
                            &s.activeHalf);
    if (r < 0) return r;
    return readBackends(m, s.backends);
}

int appendEntry(sd_bus_message* m, const ConntrackRecord& e) {
    return sd_bus_message_append(m, "(sssqsqstttuuybbsq)", e.direction.c_str(), e.protocol.c_str(), e.source.c_str(),
                                 e.sourcePort, e.destination.c_str(), e.destinationPort, e.state.c_str(), e.ageNs,
                                 e.idleNs, e.timeoutNs, e.backendId, e.revNatId, e.tcpFlags,
                                 static_cast<int>(e.closing), static_cast<int>(e.external), e.natAddress.c_str(),
                                 e.natPort);
}

// 1 with `e` filled, 0 at the end of the array, or a negative errno.
int readEntry(sd_bus_message* m, ConntrackRecord& e) {
    const char *direction = nullptr, *protocol = nullptr, *source = nullptr, *destination = nullptr,
               *state = nullptr, *nat = nullptr;
    int closing = 0, external = 0;
    int r = sd_bus_message_read(m, "(sssqsqstttuuybbsq)", &direction, &protocol, &source, &e.sourcePort,
                                &destination, &e.destinationPort, &state, &e.ageNs, &e.idleNs, &e.timeoutNs,
                                &e.backendId, &e.revNatId, &e.tcpFlags, &closing, &external, &nat, &e.natPort);
    if (r <= 0) return r;
    e.direction = direction;
    e.protocol = protocol;
    e.source = source;
    e.destination = destination;
    e.state = state;
    e.closing = closing != 0;
    e.external = external != 0;
    e.natAddress = nat;
    return 1;
}

}  // namespace

int appendServices(sd_bus_message* m, const std::vector<ServiceRecord>& services) {
    int r = sd_bus_message_open_container(m, 'a', "(sqssasuuuuya(usqbb))");
    if (r < 0) return r;
    for (const auto& s : services)
        if ((r = appendService(m, s)) < 0) return r;
    return sd_bus_message_close_container(m);
}

int appendConntrack(sd_bus_message* m, const ConntrackListing& listing) {
    int r = sd_bus_message_open_container(m, 'a', "(sssqsqstttuuybbsq)");
    if (r < 0) return r;
    for (const auto& e : listing.entries)
        if ((r = appendEntry(m, e)) < 0) return r;
    if ((r = sd_bus_message_close_container(m)) < 0) return r;
    return sd_bus_message_append(m, "t", listing.total);
}

Result<std::vector<ServiceRecord>> readServices(sd_bus_message* m) {
    if (sd_bus_message_has_signature(m, kServicesSignature) <= 0)
        return versionMismatch(m, "services", kServicesSignature);
    std::vector<ServiceRecord> out;
    int r = sd_bus_message_enter_container(m, 'a', "(sqssasuuuuya(usqbb))");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, 'r', "sqssasuuuuya(usqbb)")) > 0) {
        ServiceRecord s;
        if ((r = readService(m, s)) < 0) break;
        if ((r = sd_bus_message_exit_container(m)) < 0) break;
        out.push_back(std::move(s));
    }
    if (r >= 0) r = sd_bus_message_exit_container(m);
    if (r < 0) return Error::fromErrno(r, "Failed to decode the daemon's services");
    return out;
}

Result<ConntrackListing> readConntrack(sd_bus_message* m) {
    if (sd_bus_message_has_signature(m, kConntrackSignature) <= 0)
        return versionMismatch(m, "conntrack entries", kConntrackSignature);
    ConntrackListing out;
    int r = sd_bus_message_enter_container(m, 'a', "(sssqsqstttuuybbsq)");
    for (ConntrackRecord e; r >= 0 && (r = readEntry(m, e)) > 0; e = ConntrackRecord{}) out.entries.push_back(e);
    if (r >= 0) r = sd_bus_message_exit_container(m);
    if (r >= 0) r = sd_bus_message_read(m, "t", &out.total);
    if (r < 0) return Error::fromErrno(r, "Failed to decode the daemon's conntrack entries");
    return out;
}

}  // namespace nodeplane::bus
