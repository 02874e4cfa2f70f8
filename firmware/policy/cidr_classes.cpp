#include "policy/cidr_classes.h"

#include <algorithm>

namespace nodeplane::policy {

IpAddress maskAddress(const IpAddress& ip, int length) {
    IpAddress out = ip;
    for (int byte = 0; byte < 16; ++byte) {
        int keep = std::clamp(length - byte * 8, 0, 8);
        out.bytes[byte] &= static_cast<std::uint8_t>(0xff00u >> keep);
    }
    return out;
}

bool covers(const IpPrefix& outer, const IpPrefix& inner) {
    return outer.address.family == inner.address.family && outer.length <= inner.length &&
           outer.contains(inner.address);
}

CidrClasses::CidrClasses(const std::set<IpPrefix>& prefixes) {
    // Stored masked, so a prefix given with host bits still finds its class.
    for (const auto& p : prefixes) {
        prefixes_.insert(IpPrefix{maskAddress(p.address, p.length), p.length});
        lengths_[p.address.family].insert(p.length);
    }
}

std::optional<IpPrefix> CidrClasses::classOf(const IpAddress& ip) const {
    auto lengths = lengths_.find(ip.family);
    if (lengths == lengths_.end()) return std::nullopt;
    for (int length : lengths->second) {
        IpPrefix candidate{maskAddress(ip, length), length};
        if (prefixes_.contains(candidate)) return candidate;
    }
    return std::nullopt;
}

bool CidrClasses::inBlock(const IpPrefix& cls, const state::IpBlock& block) {
    if (!covers(block.cidr, cls)) return false;
    return std::ranges::none_of(block.except, [&](const IpPrefix& e) { return covers(e, cls); });
}

}  // namespace nodeplane::policy
