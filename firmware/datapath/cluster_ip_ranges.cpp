#include "datapath/cluster_ip_ranges.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace nodeplane::datapath {

namespace {

// The prefix length's leading ones, network order.
std::uint32_t maskOf(int length) {
    const std::uint32_t host = length == 0 ? 0 : ~std::uint32_t{0} << (32 - length);
    return htonl(host);
}

int lengthOf(std::uint32_t mask) {
    const std::uint32_t host = ntohl(mask);
    int length = 0;
    while (length < 32 && (host & (std::uint32_t{1} << (31 - length)))) ++length;
    return length;
}

}  // namespace

Result<np_cluster_ip_ranges> encodeClusterIpRanges(const std::vector<IpPrefix>& ranges) {
    np_cluster_ip_ranges value{};
    for (const auto& range : ranges) {
        if (!range.address.isV4()) continue;
        if (value.count == NP_MAX_CLUSTER_IP_RANGES)
            return Error::logical("more than " + std::to_string(NP_MAX_CLUSTER_IP_RANGES) +
                                  " IPv4 service ranges");
        if (range.length < 0 || range.length > 32)
            return Error::logical("service range " + range.toString() + " has an invalid length");
        auto& slot = value.v4[value.count++];
        slot.mask = maskOf(range.length);
        std::memcpy(&slot.addr, range.address.bytes.data(), 4);
        if ((slot.addr & slot.mask) != slot.addr)
            return Error::logical("service range " + range.toString() + " has host bits set");
    }
    return value;
}

Result<std::vector<IpPrefix>> decodeClusterIpRanges(const np_cluster_ip_ranges& value) {
    if (value.count > NP_MAX_CLUSTER_IP_RANGES)
        return Error::logical("np_cluster_ip_ranges_v1 holds a count of " + std::to_string(value.count));
    std::vector<IpPrefix> out;
    for (std::uint32_t i = 0; i < value.count; ++i) {
        IpPrefix prefix;
        prefix.address.family = IpFamily::V4;
        std::memcpy(prefix.address.bytes.data(), &value.v4[i].addr, 4);
        prefix.length = lengthOf(value.v4[i].mask);
        out.push_back(prefix);
    }
    return out;
}

}  // namespace nodeplane::datapath
