// Typed access to np_local_endpoints_v1: the pod addresses on this node and
// the host end each lives behind. The reconciler sees only the interface, so
// it is unit-tested against a fake without root.
#pragma once

#include <compare>
#include <cstdint>
#include <map>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::datapath {

struct LocalEndpoint {
    std::uint32_t ifindex = 0;     // host end of the pod's veth, node netns
    std::uint32_t endpointId = 0;  // the daemon's id for the pod
    std::uint32_t identity = 0;    // security identity; 0 until policy lands
    std::uint32_t flags = 0;       // np_endpoint_flags; none defined yet

    auto operator<=>(const LocalEndpoint&) const = default;
};

class LocalEndpointTable {
public:
    virtual ~LocalEndpointTable() = default;

    // Every entry, keyed by address (both families).
    virtual Result<std::map<IpAddress, LocalEndpoint>> list() const = 0;
    // Creates or overwrites the entry of `address` in one map update.
    virtual Status upsert(const IpAddress& address, const LocalEndpoint& endpoint) = 0;
    // Removes the entry of `address`; an absent entry is already the goal.
    virtual Status erase(const IpAddress& address) = 0;
};

// The table over the real map. Borrows the fd: the Datapath that owns the map
// outlives this object.
class BpfLocalEndpointTable final : public LocalEndpointTable {
public:
    explicit BpfLocalEndpointTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::map<IpAddress, LocalEndpoint>> list() const override;
    Status upsert(const IpAddress& address, const LocalEndpoint& endpoint) override;
    Status erase(const IpAddress& address) override;

private:
    int mapFd_;
};

}  // namespace nodeplane::datapath
