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

    bool operator==(const NodeStatus&) const = default;
};

}  // namespace nodeplane::bus
