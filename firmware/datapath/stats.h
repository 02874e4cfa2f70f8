// Reading the datapath's counters: per interface (np_iface_stats_v1), per
// outcome (np_stats_v1) and per drop reason (np_drops_v1), each summed over
// CPUs. An interface so the status and health code is tested without root.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace nodeplane::datapath {

// rx is what the interface received (tc ingress: from_pod / from_netdev),
// tx what it sent (tc egress: to_pod / to_netdev). Bytes count whole frames.
struct IfaceCounters {
    std::uint64_t rxPackets = 0;
    std::uint64_t rxBytes = 0;
    std::uint64_t txPackets = 0;
    std::uint64_t txBytes = 0;
};

struct NamedCounter {
    std::string name;  // statName() / dropReasonName()
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

class DatapathStats {
public:
    virtual ~DatapathStats() = default;

    // Zeros for an interface that has seen no packet.
    virtual Result<IfaceCounters> interfaceCounters(int ifindex) const = 0;
    // Every outcome the ABI names, in enum order, zeros included.
    virtual Result<std::vector<NamedCounter>> counters() const = 0;
    // Every drop reason the ABI names, in enum order, zeros included.
    virtual Result<std::vector<NamedCounter>> drops() const = 0;
    // Deletes an interface's counters when it goes away: its entries would
    // otherwise fill the map and greet the next interface given its ifindex.
    virtual Status forgetInterface(int ifindex) = 0;
};

// The reader over the real maps. Borrows the fds from the Datapath.
class BpfDatapathStats final : public DatapathStats {
public:
    BpfDatapathStats(int ifaceStatsFd, int statsFd, int dropsFd)
        : ifaceStatsFd_(ifaceStatsFd), statsFd_(statsFd), dropsFd_(dropsFd) {}

    Result<IfaceCounters> interfaceCounters(int ifindex) const override;
    Result<std::vector<NamedCounter>> counters() const override;
    Result<std::vector<NamedCounter>> drops() const override;
    Status forgetInterface(int ifindex) override;

private:
    int ifaceStatsFd_;
    int statsFd_;
    int dropsFd_;
};

}  // namespace nodeplane::datapath
