#include "daemon/conntrack_gc.h"

#include <time.h>

#include <algorithm>
#include <optional>

namespace nodeplane::daemon {

using datapath::ConntrackDirection;
using datapath::ConntrackEntry;
using datapath::ConntrackKey;

namespace {

// TCP header flag bits (RFC 9293), as the datapath ORs them into tcp_flags.
constexpr std::uint8_t kTcpFin = 0x01;
constexpr std::uint8_t kTcpRst = 0x04;

constexpr std::uint64_t toNs(std::chrono::seconds s) {
    return static_cast<std::uint64_t>(std::chrono::nanoseconds(s).count());
}

std::uint64_t idleSince(std::uint64_t lastSeenNs, std::uint64_t nowNs) {
    return nowNs > lastSeenNs ? nowNs - lastSeenNs : 0;
}

// The datapath writes a REPLY entry with the ORIGINAL's times and no TCP
// flags; only a packet of the backend's refreshes it.
bool replySeen(const ConntrackEntry& reply) { return reply.tcpFlags != 0 || reply.lastSeenNs > reply.createdNs; }

bool closingSeen(const ConntrackEntry* entry) {
    return entry && (entry->closing || (entry->tcpFlags & (kTcpFin | kTcpRst)) != 0);
}

struct Endpoint {
    IpAddress address;
    std::uint16_t port = 0;
    bool operator==(const Endpoint&) const = default;
};

// The client as the backend sees it: the source NAT's address when the
// ORIGINAL's source is translated.
Endpoint clientSeenByBackend(const ConntrackEntry& original) {
    if (original.snat) return {original.natAddress, original.natPort};
    return {original.source, original.sourcePort};
}

// The client as it sent the ORIGINAL: a REPLY with source NAT keeps it in
// its nat fields, one without is addressed to it.
Endpoint clientOfReply(const ConntrackEntry& reply) {
    if (reply.snat) return {reply.natAddress, reply.natPort};
    return {reply.destination, reply.destinationPort};
}

// An entry and, when found, the other one of its flow.
struct Flow {
    std::optional<ConntrackEntry> original;
    std::optional<ConntrackEntry> reply;

    void add(const ConntrackEntry& e) { (e.direction == ConntrackDirection::Original ? original : reply) = e; }
    FlowEntries view() const { return {original ? &*original : nullptr, reply ? &*reply : nullptr}; }
};

// The keys of a flow to remove, as the walk found it.
struct DoomedFlow {
    std::optional<ConntrackKey> original;
    std::optional<ConntrackKey> reply;
};

Result<Flow> readFlow(const datapath::ConntrackTable& table, const ConntrackEntry& entry,
                      const BackendsById& backends, const FrontendsByRevNat& frontends) {
    Flow flow;
    flow.add(entry);
    // Without the backend or frontend it names the partner cannot be found,
    // and then the datapath cannot use the flow either: it translates an
    // ORIGINAL only to a backend it still has, and a REPLY only back to a
    // frontend it still has. Such an entry is judged on its own.
    auto key = partnerKey(entry, backends, frontends);
    if (!key) return flow;
    auto partner = table.lookup(*key);
    if (!partner) return partner.error();
    if (!*partner) return flow;
    const ConntrackEntry& other = **partner;
    const bool paired = entry.direction == ConntrackDirection::Original ? arePartners(entry, other)
                                                                          : arePartners(other, entry);
    if (paired) flow.add(other);
    return flow;
}

void remember(std::map<ConntrackKey, DoomedFlow>& doomed, const Flow& flow) {
    // Keyed by the ORIGINAL when there is one, so the flow found from either
    // of its entries is one flow.
    const ConntrackKey canonical = flow.original ? keyOf(*flow.original) : keyOf(*flow.reply);
    DoomedFlow& d = doomed[canonical];
    if (flow.original) d.original = keyOf(*flow.original);
    if (flow.reply) d.reply = keyOf(*flow.reply);
}

// Whether the caller hears of this removed flow: the datapath reported a
// closing TCP flow already, and a service flow's policy entry is not a flow
// of its own.
bool reportable(const Flow& flow, FlowState state) {
    if (state == FlowState::TcpClosing) return false;
    return !(flow.original && flow.original->policy && flow.original->serviceFlow);
}

AgedFlow agedFlowOf(const Flow& flow, FlowState state, const FrontendsByRevNat& frontends) {
    AgedFlow aged;
    aged.state = state;
    if (flow.original) {
        aged.entry = *flow.original;
        return aged;
    }
    aged.entry = *flow.reply;
    if (auto it = frontends.find(aged.entry.revNatId); it != frontends.end()) aged.frontend = it->second;
    return aged;
}

// What one removal needs besides the flow: the clock, the frontends (to
// name a REPLY-only flow), the observer and the report to count into.
struct RemovalContext {
    const ConntrackTimeouts& timeouts;
    const MonotonicClock& clock;
    const FrontendsByRevNat& frontends;
    const AgedFlowObserver& aged;
    GcPassReport& report;
};

// Reads the flow again and removes it if it is still expired; counts what
// went into the report and tells the observer.
Status removeIfStillExpired(datapath::ConntrackTable& table, const DoomedFlow& doomed, const RemovalContext& ctx) {
    // The clock before the entries: a packet landing after this reading
    // shows as idle 0.
    const std::uint64_t nowNs = ctx.clock();
    Flow fresh;
    for (const auto& key : {doomed.original, doomed.reply}) {
        if (!key) continue;
        auto entry = table.lookup(*key);
        if (!entry) return entry.error();
        if (*entry) fresh.add(**entry);
    }
    // The REPLY key may have been taken by a new flow since the walk.
    if (fresh.original && fresh.reply && !arePartners(*fresh.original, *fresh.reply)) fresh.reply.reset();
    if (!fresh.original && !fresh.reply) return {};
    const FlowVerdict verdict = judgeFlow(fresh.view(), nowNs, ctx.timeouts);
    if (!verdict.expired) return {};
    // ORIGINAL first: the datapath writes REPLY first, so that no ORIGINAL
    // is ever without its REPLY.
    bool removed = false;
    for (const auto& entry : {fresh.original, fresh.reply}) {
        if (!entry) continue;
        auto erased = table.erase(keyOf(*entry));
        if (!erased) return erased.error();
        if (!*erased) continue;  // the datapath evicted it meanwhile
        removed = true;
        ++ctx.report.removed;
        ++ctx.report.removedByState[static_cast<std::size_t>(verdict.state)];
    }
    if (removed && ctx.aged && reportable(fresh, verdict.state))
        ctx.aged(agedFlowOf(fresh, verdict.state, ctx.frontends));
    return {};
}

}  // namespace

std::string_view flowStateName(FlowState state) {
    switch (state) {
        case FlowState::TcpSynSent: return "syn-sent";
        case FlowState::TcpEstablished: return "established";
        case FlowState::TcpClosing: return "closing";
        case FlowState::Unreplied: return "unreplied";
        case FlowState::Replied: return "replied";
    }
    return "unknown";
}

std::chrono::seconds ConntrackTimeouts::of(FlowState state) const {
    switch (state) {
        case FlowState::TcpSynSent: return tcpSynSent;
        case FlowState::TcpEstablished: return tcpEstablished;
        case FlowState::TcpClosing: return tcpClosing;
        case FlowState::Unreplied: return unreplied;
        case FlowState::Replied: return replied;
    }
    return tcpSynSent;
}

std::chrono::seconds ConntrackTimeouts::shortest() const {
    return std::min({tcpSynSent, tcpEstablished, tcpClosing, unreplied, replied});
}

FlowState flowState(const FlowEntries& flow) {
    const ConntrackEntry& any = flow.original ? *flow.original : *flow.reply;
    // An ORIGINAL whose REPLY is gone cannot carry replies any more: it
    // counts as unreplied whatever it saw before.
    // A flow NetworkPolicy tracks has its one entry for both directions.
    const bool replied = (flow.reply && replySeen(*flow.reply)) || (flow.original && flow.original->replied);
    if (any.protocol == datapath::L4Protocol::Tcp) {
        if (closingSeen(flow.original) || closingSeen(flow.reply)) return FlowState::TcpClosing;
        return replied ? FlowState::TcpEstablished : FlowState::TcpSynSent;
    }
    return replied ? FlowState::Replied : FlowState::Unreplied;
}

FlowVerdict judgeFlow(const FlowEntries& flow, std::uint64_t nowNs, const ConntrackTimeouts& timeouts) {
    std::uint64_t lastSeenNs = 0;
    for (const auto* e : {flow.original, flow.reply})
        if (e) lastSeenNs = std::max(lastSeenNs, e->lastSeenNs);
    FlowVerdict verdict;
    verdict.state = flowState(flow);
    verdict.idleNs = idleSince(lastSeenNs, nowNs);
    verdict.timeout = timeouts.of(verdict.state);
    verdict.expired = verdict.idleNs > toNs(verdict.timeout);
    return verdict;
}

std::optional<ConntrackKey> partnerKey(const ConntrackEntry& entry, const BackendsById& backends,
                                       const FrontendsByRevNat& frontends) {
    if (entry.direction == ConntrackDirection::Original) {
        auto backend = backends.find(entry.backendId);
        if (backend == backends.end() || backend->second.address.family != entry.source.family) return std::nullopt;
        const Endpoint client = clientSeenByBackend(entry);
        return ConntrackKey{ConntrackDirection::Reply, entry.protocol, backend->second.address, backend->second.port,
                            client.address, client.port};
    }
    auto frontend = frontends.find(entry.revNatId);
    if (frontend == frontends.end() || frontend->second.address.family != entry.source.family) return std::nullopt;
    const Endpoint client = clientOfReply(entry);
    return ConntrackKey{ConntrackDirection::Original, entry.protocol, client.address, client.port,
                        frontend->second.address, frontend->second.port};
}

bool arePartners(const ConntrackEntry& original, const ConntrackEntry& reply) {
    if (original.direction != ConntrackDirection::Original || reply.direction != ConntrackDirection::Reply)
        return false;
    if (original.protocol != reply.protocol || original.backendId != reply.backendId ||
        original.revNatId != reply.revNatId || original.snat != reply.snat)
        return false;
    if (clientSeenByBackend(original) != Endpoint{reply.destination, reply.destinationPort}) return false;
    return !original.snat || clientOfReply(reply) == Endpoint{original.source, original.sourcePort};
}

std::uint64_t monotonicNowNs() {
    // bpf_ktime_get_ns() counts CLOCK_MONOTONIC (time-namespace offsets
    // apply to user space only; the daemon runs in the initial one).
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

Result<GcPassReport> runConntrackGcPass(const ConntrackGcTables& tables, const ConntrackTimeouts& timeouts,
                                        const MonotonicClock& clock, const AgedFlowObserver& aged) {
    // Read only once a flow needs its partner looked up: at 100,000
    // backends the listing is 100,000 bpf() calls, which an empty or young
    // conntrack table never needs, and the pass holds the event loop.
    std::optional<BackendsById> backends;
    std::optional<FrontendsByRevNat> frontends;
    auto readTargets = [&]() -> Status {
        if (backends) return {};
        auto b = tables.backends.list();
        if (!b) return b.error();
        auto f = tables.revNat.list();
        if (!f) return f.error();
        backends = std::move(b).value();
        frontends = std::move(f).value();
        return {};
    };

    GcPassReport report;
    std::map<ConntrackKey, DoomedFlow> doomed;
    const std::uint64_t shortestNs = toNs(timeouts.shortest());
    const std::uint64_t nowNs = clock();
    auto walked = tables.conntrack.forEach([&](const ConntrackEntry& entry) -> Status {
        ++report.seen;
        // A flow is never idler than any of its entries: an entry seen within
        // the shortest timeout keeps its flow, and needs no partner lookup.
        if (idleSince(entry.lastSeenNs, nowNs) <= shortestNs) return {};
        if (auto read = readTargets(); !read) return read;
        auto flow = readFlow(tables.conntrack, entry, *backends, *frontends);
        if (!flow) return flow.error();
        if (judgeFlow(flow->view(), nowNs, timeouts).expired) remember(doomed, *flow);
        return {};
    });
    if (!walked) return walked.error();
    // Deleting during a hash walk would restart it; the doomed go after
    // (and were judged with the targets read, so `frontends` is set).
    if (doomed.empty()) return report;
    const RemovalContext ctx{timeouts, clock, *frontends, aged, report};
    for (const auto& [canonical, flow] : doomed)
        if (auto removed = removeIfStillExpired(tables.conntrack, flow, ctx); !removed) return removed.error();
    return report;
}

}  // namespace nodeplane::daemon
