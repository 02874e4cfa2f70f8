#include "netlink/address.h"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "netlink/message.h"

namespace nodeplane::netlink {

std::vector<std::uint8_t> buildAddressDump() {
    MessageBuilder builder(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
    ifaddrmsg header{};
    header.ifa_family = AF_UNSPEC;
    builder.putHeader(header);
    return std::move(builder).take();
}

std::optional<InterfaceAddress> parseAddressMessage(const nlmsghdr& message) {
    if (message.nlmsg_type != RTM_NEWADDR && message.nlmsg_type != RTM_DELADDR) return std::nullopt;
    const auto* header = familyHeader<ifaddrmsg>(message);
    if (!header || (header->ifa_family != AF_INET && header->ifa_family != AF_INET6)) return std::nullopt;
    IpFamily family = header->ifa_family == AF_INET ? IpFamily::V4 : IpFamily::V6;
    std::size_t addressBytes = family == IpFamily::V4 ? 4 : 16;

    auto attributes = Attributes::ofMessage(message, sizeof(ifaddrmsg), IFA_MAX);
    // IFA_ADDRESS is the peer on point-to-point links; IFA_LOCAL, when
    // present, is always our own end.
    auto raw = attributes.bytes(IFA_LOCAL);
    if (!raw) raw = attributes.bytes(IFA_ADDRESS);
    if (!raw || raw->size() != addressBytes) return std::nullopt;

    InterfaceAddress out;
    out.ifindex = static_cast<int>(header->ifa_index);
    out.address.family = family;
    std::memcpy(out.address.bytes.data(), raw->data(), addressBytes);
    out.prefixLength = header->ifa_prefixlen;
    if (out.prefixLength > out.address.bitLength()) return std::nullopt;
    out.scope = header->ifa_scope;
    // IFA_FLAGS carries all 32 bits; ifa_flags only the low 8.
    out.flags = attributes.u32(IFA_FLAGS).value_or(header->ifa_flags);
    return out;
}

Result<std::vector<InterfaceAddress>> interfaceAddresses(NetlinkSocket& socket, int ifindex) {
    auto all = socket.dumpAll<InterfaceAddress>(buildAddressDump(), parseAddressMessage);
    if (!all)
        return Error{all.error().errnum,
                     "Failed to list addresses of ifindex " + std::to_string(ifindex) + ": " + all.error().message};
    std::vector<InterfaceAddress> out;
    for (InterfaceAddress& address : *all)
        if (address.ifindex == ifindex) out.push_back(std::move(address));
    return out;
}

}  // namespace nodeplane::netlink
