// Conntrack ageing: the datapath creates and refreshes np_conntrack_v2
// entries but never removes an idle one; the daemon does. A flow is two
// entries, ORIGINAL (client -> frontend) and REPLY (backend -> client), and
// is judged as one: its state comes from both directions, its idle time from
// the newer of the two, and both go together. Only a flow idle past the
// timeout of its state is removed, so ageing never cuts a live flow.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "datapath/backends.h"
#include "datapath/conntrack.h"

namespace nodeplane::daemon {

// What a flow is doing, as far as its entries tell.
enum class FlowState : std::uint8_t {
    TcpSynSent,      // TCP, no reply yet (nf_conntrack's SYN_SENT)
    TcpEstablished,  // TCP, replies seen, no FIN or RST
    TcpClosing,      // TCP, a FIN or RST in either direction
    Unreplied,       // UDP (any other protocol), no reply yet
    Replied,         // UDP, replies seen (nf_conntrack's "stream")
};
inline constexpr std::size_t kFlowStateCount = 5;

// "syn-sent", "established", "closing", "unreplied", "replied".
std::string_view flowStateName(FlowState state);

// How long a flow may stay idle in each state ([datapath] conntrack-*-timeout).
struct ConntrackTimeouts {
    std::chrono::seconds tcpSynSent{60};
    std::chrono::seconds tcpEstablished{21600};
    std::chrono::seconds tcpClosing{60};
    std::chrono::seconds unreplied{30};
    std::chrono::seconds replied{120};

    std::chrono::seconds of(FlowState state) const;
    std::chrono::seconds shortest() const;
    bool operator==(const ConntrackTimeouts&) const = default;
};

// The entries of one flow that exist; at least one is set.
struct FlowEntries {
    const datapath::ConntrackEntry* original = nullptr;
    const datapath::ConntrackEntry* reply = nullptr;
};

struct FlowVerdict {
    FlowState state = FlowState::Unreplied;
    std::uint64_t idleNs = 0;  // since the flow's last packet, either direction
    std::chrono::seconds timeout{0};
    bool expired = false;  // idle for longer than the timeout
};

FlowState flowState(const FlowEntries& flow);
// `nowNs` is CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns(). An entry seen
// after `nowNs` was read counts as idle 0.
FlowVerdict judgeFlow(const FlowEntries& flow, std::uint64_t nowNs, const ConntrackTimeouts& timeouts);

// What the daemon's own tables say about the flows' two ends.
using BackendsById = std::map<datapath::BackendId, datapath::Backend>;
using FrontendsByRevNat = std::map<std::uint32_t, datapath::RevNatTarget>;

// The key of the entry in the other direction of `entry`'s flow:
//   ORIGINAL client -> frontend      => REPLY backend -> client
//   ORIGINAL with source NAT         => REPLY backend -> nat address:port
//   REPLY backend -> client          => ORIGINAL client -> frontend
//   REPLY with source NAT (nat=client) => ORIGINAL client -> frontend
// The backend comes from np_backends_v1 by backend id, the frontend from
// np_rev_nat_v1 by rev-NAT id; nullopt when that one is gone.
std::optional<datapath::ConntrackKey> partnerKey(const datapath::ConntrackEntry& entry, const BackendsById& backends,
                                                 const FrontendsByRevNat& frontends);

// Whether two entries found at each other's partner key are one flow: the
// same frontend and backend, and the source NAT of one undone by the other.
// A REPLY key can be claimed by another flow (one client port towards two
// frontends that share a backend); such an entry is judged on its own.
bool arePartners(const datapath::ConntrackEntry& original, const datapath::ConntrackEntry& reply);

struct ConntrackGcTables {
    datapath::ConntrackTable& conntrack;
    const datapath::BackendTable& backends;
    const datapath::RevNatTable& revNat;
};

// CLOCK_MONOTONIC nanoseconds; tests pass their own clock.
using MonotonicClock = std::function<std::uint64_t()>;
std::uint64_t monotonicNowNs();

// One flow a pass removed, for its caller to report: the flow's ORIGINAL
// entry when it had one (the flow as its client sent it), else its REPLY.
struct AgedFlow {
    datapath::ConntrackEntry entry;
    FlowState state = FlowState::Unreplied;
    // A flow with only its REPLY left: its frontend, when np_rev_nat_v1 still
    // has it, so the flow can be named client -> frontend.
    std::optional<datapath::RevNatTarget> frontend;
};

// Told once of each flow a pass removed, after its entries went. Not of a
// flow in TcpClosing (the datapath reported it at its FIN or RST), nor of
// the policy entry of a service flow (its service entries are the flow),
// nor of a flow a packet revived before its removal.
using AgedFlowObserver = std::function<void(const AgedFlow&)>;

struct GcPassReport {
    std::uint64_t seen = 0;     // entries walked
    std::uint64_t removed = 0;  // entries aged out
    std::array<std::uint64_t, kFlowStateCount> removedByState{};  // by their flow's state
    std::uint64_t remaining() const { return seen > removed ? seen - removed : 0; }
};

// One ageing pass: walks the table, judges the flow of every entry idle for
// longer than the shortest timeout, and removes the expired flows, ORIGINAL
// first (the datapath writes REPLY first, so no ORIGINAL is left without
// its REPLY). Each doomed flow is read again just before it goes: a packet
// that arrived since the walk keeps it. `aged`, when set, hears of each
// flow removed (see AgedFlowObserver).
Result<GcPassReport> runConntrackGcPass(const ConntrackGcTables& tables, const ConntrackTimeouts& timeouts,
                                        const MonotonicClock& clock = monotonicNowNs,
                                        const AgedFlowObserver& aged = {});

}  // namespace nodeplane::daemon
