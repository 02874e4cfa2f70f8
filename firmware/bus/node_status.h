// What the daemon reports about itself (org.nodeplane.Control1.GetStatus):
// plain values the daemon fills, the bus carries typed, and the CLI prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nodeplane::bus {

struct InterfaceStatus {
    std::string name;
    std::int32_t ifindex = 0;
    std::string role;                   // "pod" | "external"
    std::vector<std::string> programs;  // attached, as "program@hook": "from_pod@ingress"
    std::uint64_t rxPackets = 0;
    std::uint64_t rxBytes = 0;
    std::uint64_t txPackets = 0;
    std::uint64_t txBytes = 0;

    bool operator==(const InterfaceStatus&) const = default;
};

struct MapStatus {
    std::string name;  // "np_services"
    std::string type;  // libbpf's name of the map type: "hash", "lru_hash", "lpm_trie"
    std::uint32_t maxEntries = 0;
    std::uint32_t entries = 0;

    bool operator==(const MapStatus&) const = default;
};

struct StatCounter {
    std::string name;  // a datapath global counter: "drop_policy"
    std::uint64_t value = 0;

    bool operator==(const StatCounter&) const = default;
};

// Conntrack ageing and how full np_conntrack_v2 is. The datapath's LRU map
// evicts the least recently used flows when full, live ones included, so
// the fill level is the early warning.
struct ConntrackPressure {
    std::uint32_t entries = 0;   // in the map now
    std::uint32_t capacity = 0;  // its max_entries
    std::uint32_t gcIntervalSeconds = 0;
    std::uint64_t gcPasses = 0;
    std::uint64_t lastGcUsec = 0;          // CLOCK_REALTIME microseconds of the last pass; 0: none yet
    std::uint64_t lastGcDurationUsec = 0;  // how long it took
    std::uint64_t agedOut = 0;             // entries removed by ageing since the daemon started
    std::vector<StatCounter> agedOutByState;  // the same, by the state of their flow
    std::string lastGcError;                  // why the last pass failed; "" when it did not

    bool operator==(const ConntrackPressure&) const = default;
};

// Why /healthz answers 503 on purpose (docs/operations.md, "Drain").
struct DrainStatus {
    bool draining = false;  // some reason holds: /healthz 503, forwarding continues
    bool exiting = false;   // the daemon exits when the drain ends (stop, shutdown, node deleting)
    // "manual", "stop", "shutdown", "node-deleting", "node-tainted"; exiting ones first
    std::vector<std::string> reasons;
    std::uint64_t sinceUsec = 0;      // CLOCK_REALTIME microseconds the node turned unhealthy; 0: not draining
    std::uint64_t movedAwayUsec = 0;  // since + drain-seconds: load balancers should have moved away by then
    std::uint32_t drainSeconds = 0;   // [lifecycle] drain-seconds

    bool operator==(const DrainStatus&) const = default;
};

// The answer to Drain() and Undrain(): what happened, and the drain now.
struct DrainOutcome {
    std::string message;
    DrainStatus drain;
};

// The API server as a state source ([state] source = "kubernetes"); all
// zero with a snapshot source.
struct StateFeedStatus {
    // Forwarding on a state the API server has not confirmed: booted from the
    // last-known snapshot, or the API server has not answered since.
    bool degraded = false;
    std::string degradedReason;  // "" when not degraded
    bool servingLastKnown = false;  // the applied state came from the last-known snapshot
    bool synced = false;            // every kind listed since the daemon started
    bool connected = false;         // the last request of every kind succeeded
    std::string lastError;          // the last failure talking to the API server; "" when none
    std::uint64_t lastContactUsec = 0;     // CLOCK_REALTIME microseconds of the last answer; 0: never
    std::string lastKnownPath;             // [kubernetes] last-known
    std::uint64_t lastKnownSavedUsec = 0;  // when it was last written; 0: not by this daemon
    std::uint64_t relists = 0;
    std::uint64_t watchRestarts = 0;
    std::uint64_t events = 0;
    std::uint64_t errors = 0;

    bool operator==(const StateFeedStatus&) const = default;
};

struct NodeStatus {
    std::string node;
    std::string stateSource;  // "snapshot" | "kubernetes"
    std::string statePath;    // the snapshot file or directory; the kubeconfig ("" in-cluster)
    std::string phase;        // "starting" | "serving" | "draining" | "stopping"
    bool healthy = false;     // what /healthz answers right now
    std::uint64_t generation = 0;   // of the applied state; 0: none applied yet
    std::uint64_t appliedUsec = 0;  // CLOCK_REALTIME microseconds of that apply; 0: never
    // Why the last new configuration or state (reload, or a changed snapshot)
    // was refused while the previous one stayed applied; "" once one is applied.
    // Shown as "lastError" in nodeplanectl's JSON.
    std::string lastRefusedReload;
    // Interfaces the applied state names (pods on this node) that do not exist
    // yet; they are attached as they appear.
    std::vector<std::string> pendingInterfaces;
    std::vector<InterfaceStatus> interfaces;
    std::vector<MapStatus> maps;
    std::vector<StatCounter> stats;
    ConntrackPressure conntrack;
    DrainStatus drain;
    StateFeedStatus feed;

    bool operator==(const NodeStatus&) const = default;
};

}  // namespace nodeplane::bus
