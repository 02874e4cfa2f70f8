// Addresses configured on interfaces (RTM_GETADDR): the node's own addresses
// and those of its external interfaces.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "common/ip.h"
#include "common/result.h"
#include "netlink/socket.h"

namespace nodeplane::netlink {

struct InterfaceAddress {
    int ifindex = 0;
    IpAddress address;       // the local address (IFA_LOCAL on point-to-point links)
    int prefixLength = 0;
    std::uint8_t scope = 0;  // RT_SCOPE_*: 0 global, 253 link (fe80::/10), 254 host (loopback)
    std::uint32_t flags = 0; // IFA_F_*: tentative, deprecated, ...

    bool operator==(const InterfaceAddress&) const = default;
};

// RTM_GETADDR dump of both families.
std::vector<std::uint8_t> buildAddressDump();

// RTM_NEWADDR / RTM_DELADDR of AF_INET or AF_INET6; nullopt otherwise.
std::optional<InterfaceAddress> parseAddressMessage(const nlmsghdr& message);

// The addresses of one interface, in the kernel's order.
Result<std::vector<InterfaceAddress>> interfaceAddresses(NetlinkSocket& socket, int ifindex);

}  // namespace nodeplane::netlink
