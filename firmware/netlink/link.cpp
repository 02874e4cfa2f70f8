#include "netlink/link.h"

// net/if.h before linux/if.h: the kernel header then skips what glibc defines.
#include <net/if.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "netlink/message.h"

namespace nodeplane::netlink {

bool Link::up() const { return (flags & IFF_UP) != 0; }

bool Link::running() const { return up() && (flags & IFF_RUNNING) != 0; }

std::vector<std::uint8_t> buildLinkDump() {
    MessageBuilder builder(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    // No IFLA_EXT_MASK: per-VF details stay out, which keeps each message small.
    builder.putHeader(header);
    return std::move(builder).take();
}

std::optional<LinkEvent> parseLinkMessage(const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWLINK && message.nlmsg_type != RTM_DELLINK) return std::nullopt;
    const auto* header = familyHeader<ifinfomsg>(message);
    if (!header || header->ifi_family != AF_UNSPEC || header->ifi_index <= 0) return std::nullopt;

    auto attributes = Attributes::ofMessage(message, sizeof(ifinfomsg), IFLA_MAX);
    auto name = attributes.string(IFLA_IFNAME);
    if (!name || name->empty()) return std::nullopt;

    LinkEvent event;
    event.removed = message.nlmsg_type == RTM_DELLINK;
    Link& link = event.link;
    link.ifindex = header->ifi_index;
    link.name = std::move(*name);
    link.flags = header->ifi_flags;
    link.operState = attributes.u8(IFLA_OPERSTATE).value_or(IF_OPER_UNKNOWN);
    link.mtu = attributes.u32(IFLA_MTU).value_or(0);
    link.address = attributes.bytes(IFLA_ADDRESS).value_or(std::vector<std::uint8_t>{});
    if (const nlattr* info = attributes.get(IFLA_LINKINFO)) {
        auto nested = Attributes::ofNested(*info, IFLA_INFO_MAX);
        link.kind = nested.string(IFLA_INFO_KIND).value_or("");
    }
    return event;
}

std::string describe(const Link& link) {
    std::string out = "'" + link.name + "' (ifindex " + std::to_string(link.ifindex);
    if (!link.kind.empty()) out += ", " + link.kind;
    out += link.up() ? ", up)" : ", down)";
    return out;
}

}  // namespace nodeplane::netlink
