#include "daemon/datapath_listing.h"

#include <algorithm>
#include <chrono>
#include <tuple>

namespace nodeplane::daemon {

using datapath::ConntrackDirection;
using datapath::ConntrackEntry;
using datapath::ConntrackKey;

namespace {

std::vector<std::string> flagWords(const datapath::FrontendFlags& f) {
    std::vector<std::string> words;
    if (f.affinity) words.emplace_back("affinity");
    if (f.externalLocal) words.emplace_back("etp-local");
    if (f.internalLocal) words.emplace_back("itp-local");
    if (f.sourceRanges) words.emplace_back("source-ranges");
    if (f.rejectWithoutBackend) words.emplace_back("reject-when-empty");
    if (f.masquerade) words.emplace_back("masquerade");
    return words;
}

std::vector<bus::ServiceBackendRecord> describeBackends(const std::vector<datapath::BackendId>& ids,
                                                        const BackendsById& backends) {
    struct Found {
        datapath::BackendId id;
        const datapath::Backend* backend;  // null: the set names an id the table lacks
    };
    std::vector<Found> found;
    for (auto id : ids) {
        auto it = backends.find(id);
        found.push_back({id, it == backends.end() ? nullptr : &it->second});
    }
    // By address (as numbers, not as text), then port; unknown ids last.
    auto rank = [](const Found& f) {
        return std::make_tuple(f.backend == nullptr, f.backend ? f.backend->address : IpAddress{},
                               f.backend ? f.backend->port : std::uint16_t{0}, f.id);
    };
    std::sort(found.begin(), found.end(), [&](const Found& a, const Found& b) { return rank(a) < rank(b); });
    std::vector<bus::ServiceBackendRecord> out;
    for (const auto& f : found) {
        if (!f.backend) {
            out.push_back({f.id, "?", 0, false, false});
            continue;
        }
        out.push_back({f.id, f.backend->address.toString(), f.backend->port, f.backend->local, f.backend->terminating});
    }
    return out;
}

std::uint64_t elapsedSince(std::uint64_t thenNs, std::uint64_t nowNs) { return nowNs > thenNs ? nowNs - thenNs : 0; }

bus::ConntrackRecord describeEntry(const ConntrackEntry& e, const FlowVerdict& verdict, std::uint64_t nowNs) {
    bus::ConntrackRecord r;
    r.direction = e.direction == ConntrackDirection::Reply ? "reply" : "original";
    r.protocol = protocolName(e.protocol);
    r.source = e.source.toString();
    r.sourcePort = e.sourcePort;
    r.destination = e.destination.toString();
    r.destinationPort = e.destinationPort;
    r.state = std::string(flowStateName(verdict.state));
    r.ageNs = elapsedSince(e.createdNs, nowNs);
    r.idleNs = verdict.idleNs;
    r.timeoutNs = static_cast<std::uint64_t>(std::chrono::nanoseconds(verdict.timeout).count());
    r.backendId = e.backendId;
    r.revNatId = e.revNatId;
    r.tcpFlags = e.tcpFlags;
    r.closing = e.closing;
    r.external = e.external;
    if (e.snat) {
        r.natAddress = e.natAddress.toString();
        r.natPort = e.natPort;
    }
    return r;
}

}  // namespace

const char* protocolName(datapath::L4Protocol protocol) {
    switch (protocol) {
        case datapath::L4Protocol::Tcp: return "tcp";
        case datapath::L4Protocol::Udp: return "udp";
        case datapath::L4Protocol::Sctp: return "sctp";
    }
    return "unknown";
}

std::vector<bus::ServiceRecord> describeServices(const FrontendsByKey& frontends, const BackendSets& sets,
                                                 const BackendsById& backends) {
    std::vector<bus::ServiceRecord> out;
    for (const auto& [key, entry] : frontends) {  // std::map: already in key order
        bus::ServiceRecord s;
        s.address = key.address.toString();
        s.port = key.port;
        s.protocol = protocolName(key.protocol);
        s.scope = key.scope == datapath::ServiceScope::External ? "external" : "internal";
        s.flags = flagWords(entry.value.flags);
        s.affinityTimeoutSeconds = entry.value.affinityTimeoutSeconds;
        s.serviceId = entry.value.serviceId;
        s.revNatId = entry.value.revNatId;
        s.backendCount = entry.backendCount;
        s.activeHalf = entry.activeHalf;
        if (auto set = sets.find(entry.value.serviceId); set != sets.end())
            s.backends = describeBackends(set->second, backends);
        out.push_back(std::move(s));
    }
    return out;
}

bus::ConntrackListing describeConntrack(const std::vector<ConntrackEntry>& entries, const BackendsById& backends,
                                        const FrontendsByRevNat& frontends, std::uint64_t nowNs,
                                        const ConntrackTimeouts& timeouts, std::size_t limit) {
    std::map<ConntrackKey, std::size_t> byKey;
    for (std::size_t i = 0; i < entries.size(); ++i) byKey.emplace(keyOf(entries[i]), i);

    struct Row {
        ConntrackKey flow;  // the flow's ORIGINAL key, or the lone REPLY's own
        ConntrackDirection direction;
        std::size_t index;
        FlowVerdict verdict;
    };
    std::vector<Row> rows;
    rows.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const ConntrackEntry& e = entries[i];
        FlowEntries flow;
        (e.direction == ConntrackDirection::Original ? flow.original : flow.reply) = &e;
        if (auto key = partnerKey(e, backends, frontends)) {
            if (auto found = byKey.find(*key); found != byKey.end()) {
                const ConntrackEntry& other = entries[found->second];
                if (e.direction == ConntrackDirection::Original ? arePartners(e, other) : arePartners(other, e))
                    (other.direction == ConntrackDirection::Original ? flow.original : flow.reply) = &other;
            }
        }
        rows.push_back({flow.original ? keyOf(*flow.original) : keyOf(e), e.direction, i,
                        judgeFlow(flow, nowNs, timeouts)});
    }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return std::tie(a.flow, a.direction) < std::tie(b.flow, b.direction);
    });

    bus::ConntrackListing listing;
    listing.total = entries.size();
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i)
        listing.entries.push_back(describeEntry(entries[rows[i].index], rows[i].verdict, nowNs));
    return listing;
}

}  // namespace nodeplane::daemon
