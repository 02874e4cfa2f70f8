// The narrow view the reconciler has of the kernel: links, routes, program
// attachment and the local endpoint map. The daemon wires real netlink and
// libbpf implementations in; unit tests wire fakes, so reconciliation logic
// is tested without root.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::daemon {

class LinkView {
public:
    virtual ~LinkView() = default;
    virtual std::optional<int> ifindexOf(const std::string& name) const = 0;
};

// A host route to one local pod address: `<ip>/32 dev <ifindex> scope link`.
struct PodRoute {
    IpAddress ip;
    int ifindex = 0;
    auto operator<=>(const PodRoute&) const = default;
};

class PodRoutes {
public:
    virtual ~PodRoutes() = default;
    virtual Result<std::vector<PodRoute>> listOwned() = 0;  // routes we installed, any daemon generation
    virtual Status replace(const PodRoute& route) = 0;
    virtual Status remove(const PodRoute& route) = 0;
};

enum class InterfaceRole { Pod, External };

class ProgramAttacher {
public:
    virtual ~ProgramAttacher() = default;
    virtual Status attach(int ifindex, InterfaceRole role) = 0;  // replaces in place
    virtual Status detach(int ifindex) = 0;
};

// The datapath's local endpoint entry as the reconciler sees it.
struct EndpointEntry {
    int ifindex = 0;
    std::uint32_t endpointId = 0;
    bool operator==(const EndpointEntry&) const = default;
};

class EndpointMap {
public:
    virtual ~EndpointMap() = default;
    virtual Result<std::map<IpAddress, EndpointEntry>> list() = 0;
    virtual Status upsert(const IpAddress& ip, const EndpointEntry& entry) = 0;
    virtual Status erase(const IpAddress& ip) = 0;
};

}  // namespace nodeplane::daemon
