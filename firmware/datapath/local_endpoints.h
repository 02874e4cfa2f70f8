// Typed access to np_local_endpoints_v1: the pod addresses on this node and
// the host end each lives behind. The reconciler sees only the interface, so
// it is unit-tested against a fake without root.
#pragma once

#include <compare>
#include <cstdint>
#include <map>

#include "common/ip.h"
#include "common/result.h"
#include "datapath/address_filter.h"
#include "nodeplane/abi/maps.h"

namespace nodeplane::datapath {

struct LocalEndpoint {
    std::uint32_t ifindex = 0;     // host end of the pod's veth, node netns
    std::uint32_t endpointId = 0;  // the daemon's id for the pod
    std::uint32_t identity = 0;    // security identity; 0 until policy lands
    std::uint32_t flags = 0;       // np_endpoint_flags: isolation by NetworkPolicy

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

// The table over the real map and its two address filters
// (np_endpoint_addrs_v1, np_isolated_addrs_v1, abi/endpoints.h), kept in step
// with every write: an address's bits are set before its entry is written and
// cleared after it is gone (or no longer isolated), so the datapath never
// skips an entry that exists. Borrows the fds: the Datapath that owns the
// maps outlives this object.
class BpfLocalEndpointTable final : public LocalEndpointTable {
public:
    BpfLocalEndpointTable(int mapFd, int endpointAddrsFd, int isolatedAddrsFd)
        : mapFd_(mapFd),
          endpointAddrs_(endpointAddrsFd, NP_MAP_ENDPOINT_ADDRS),
          isolatedAddrs_(isolatedAddrsFd, NP_MAP_ISOLATED_ADDRS) {}

    // Reads the entries a predecessor left (or none) and sets their bits.
    // Before any other call, and before programs that read the filters are
    // attached.
    Status adopt();

    Result<std::map<IpAddress, LocalEndpoint>> list() const override;
    Status upsert(const IpAddress& address, const LocalEndpoint& endpoint) override;
    Status erase(const IpAddress& address) override;

private:
    int mapFd_;
    AddressFilter endpointAddrs_;
    AddressFilter isolatedAddrs_;
    std::map<IpAddress, bool> isolated_;  // every entry written or adopted: has it an isolation flag?
};

}  // namespace nodeplane::datapath
