// Typed access to np_conntrack_v2 (datapath-written): a decoded listing for
// `nodeplanectl conntrack list`, a streaming walk, lookup and delete by key
// for ageing, flushing, and forgetting the flows of a removed backend.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "datapath/service_types.h"

namespace nodeplane::datapath {

enum class ConntrackDirection : std::uint8_t { Original = 0, Reply = 1 };

// One entry, decoded. Times are CLOCK_MONOTONIC nanoseconds (bpf_ktime_get_ns).
struct ConntrackEntry {
    ConntrackDirection direction = ConntrackDirection::Original;
    L4Protocol protocol = L4Protocol::Tcp;
    IpAddress source;
    std::uint16_t sourcePort = 0;  // host order
    IpAddress destination;
    std::uint16_t destinationPort = 0;
    std::uint64_t createdNs = 0;
    std::uint64_t lastSeenNs = 0;
    std::uint32_t revNatId = 0;
    BackendId backendId = 0;
    std::uint8_t tcpFlags = 0;  // OR of the flags seen in this direction
    bool closing = false;       // FIN or RST seen
    bool external = false;      // created for a client outside the node (from_netdev)
    // Source NAT (masquerade or hairpin). Original: the address and port the
    // client's source becomes. Reply: the client's own, restored on replies.
    bool snat = false;
    IpAddress natAddress;
    std::uint16_t natPort = 0;  // host order
    // Tracked for NetworkPolicy only: one ORIGINAL entry for both
    // directions, no NAT; `replied` once the other side answered.
    bool policy = false;
    bool replied = false;
    // With `policy`: a service flow tracked after its translation; the
    // service's own entries stand for the flow (NP_CT_F_SERVICE_FLOW).
    bool serviceFlow = false;

    auto operator<=>(const ConntrackEntry&) const = default;
};

// What identifies an entry: the tuple as the packet carries it, and the
// direction (np_ct_key). The family is the addresses'.
struct ConntrackKey {
    ConntrackDirection direction = ConntrackDirection::Original;
    L4Protocol protocol = L4Protocol::Tcp;
    IpAddress source;
    std::uint16_t sourcePort = 0;  // host order
    IpAddress destination;
    std::uint16_t destinationPort = 0;

    auto operator<=>(const ConntrackKey&) const = default;
};

inline ConntrackKey keyOf(const ConntrackEntry& e) {
    return {e.direction, e.protocol, e.source, e.sourcePort, e.destination, e.destinationPort};
}

class ConntrackTable {
public:
    // Called for each entry of a walk; a failure stops the walk.
    using Visitor = std::function<Status(const ConntrackEntry&)>;

    virtual ~ConntrackTable() = default;

    virtual Result<std::vector<ConntrackEntry>> list() const = 0;
    // Visits every entry without holding the whole table in memory. The
    // datapath writes while the walk runs: an entry created or deleted
    // meanwhile may or may not be visited.
    virtual Status forEach(const Visitor& visit) const = 0;
    // The entry at `key`, or nullopt.
    virtual Result<std::optional<ConntrackEntry>> lookup(const ConntrackKey& key) const = 0;
    // Deletes the entry at `key`; false when it was already gone.
    virtual Result<bool> erase(const ConntrackKey& key) = 0;
    // Deletes every entry; returns how many.
    virtual Result<std::size_t> flush() = 0;
    // Deletes both directions of every flow translated to `backend`;
    // returns how many entries.
    virtual Result<std::size_t> eraseByBackend(BackendId backend) = 0;
    // How many entries the table can hold (the map's max_entries).
    virtual Result<std::uint32_t> capacity() const = 0;
};

class BpfConntrackTable final : public ConntrackTable {
public:
    explicit BpfConntrackTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::vector<ConntrackEntry>> list() const override;
    Status forEach(const Visitor& visit) const override;
    Result<std::optional<ConntrackEntry>> lookup(const ConntrackKey& key) const override;
    Result<bool> erase(const ConntrackKey& key) override;
    Result<std::size_t> flush() override;
    Result<std::size_t> eraseByBackend(BackendId backend) override;
    Result<std::uint32_t> capacity() const override;

private:
    int mapFd_;
};

// "tcp 10.0.0.1:40000 -> 10.96.0.10:80 original backend 3 rev-nat 7 flags SA": one line of
// `nodeplanectl conntrack list`.
std::string formatConntrackEntry(const ConntrackEntry& entry);

}  // namespace nodeplane::datapath
