// Network interfaces as rtnetlink reports them (RTM_NEWLINK / RTM_DELLINK):
// the plain value the daemon acts on, the dump request, and the parser.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nodeplane::netlink {

struct Link {
    int ifindex = 0;
    std::string name;
    std::uint32_t flags = 0;      // IFF_* (net/if.h)
    std::uint8_t operState = 0;   // IF_OPER_* (RFC 2863), IF_OPER_UNKNOWN when absent
    std::uint32_t mtu = 0;
    std::string kind;             // IFLA_INFO_KIND: "veth", "dummy", ...; empty for physical NICs and lo
    std::vector<std::uint8_t> address;  // link-layer address (MAC), empty when none

    // Administratively up (ip link set up).
    bool up() const;
    // Up with carrier: for a veth, both ends are up.
    bool running() const;

    bool operator==(const Link&) const = default;
};

struct LinkEvent {
    Link link;
    bool removed = false;
    // The name the link had before, when this event is a rename. Filled in by
    // the LinkWatcher, which remembers names; empty from parseLinkMessage.
    std::string previousName;
};

// RTM_GETLINK dump of every interface of the socket's network namespace.
std::vector<std::uint8_t> buildLinkDump();

// RTM_NEWLINK / RTM_DELLINK of family AF_UNSPEC. Bridge-port notifications
// (family AF_BRIDGE) also arrive on RTNLGRP_LINK, and an AF_BRIDGE DELLINK only
// means "left the bridge", so they yield nullopt, as do malformed messages.
std::optional<LinkEvent> parseLinkMessage(const nlmsghdr& message);

std::string describe(const Link& link);  // "'np-web-1' (ifindex 7, veth, up)"

}  // namespace nodeplane::netlink
