#include "datapath/source_ranges.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "datapath/abi.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

namespace {

np_source_range_key toKey(std::uint32_t revNatId, const IpPrefix& prefix) {
    np_source_range_key key{};
    key.prefixlen = NP_SOURCE_RANGE_FIXED_BITS + static_cast<std::uint32_t>(prefix.length);
    key.rev_nat_id = revNatId;
    key.family = familyByte(prefix.address);
    std::memcpy(key.addr, prefix.address.bytes.data(), sizeof(key.addr));
    return key;
}

std::string describe(std::uint32_t revNatId, const IpPrefix& prefix) {
    return "source range '" + prefix.toString() + "' of rev-NAT " + std::to_string(revNatId);
}

}  // namespace

Result<std::set<SourceRange>> BpfSourceRangeTable::list() const {
    std::set<SourceRange> out;
    auto walked = walkMap<np_source_range_key, std::uint32_t>(
        mapFd_, NP_MAP_SOURCE_RANGES, walkLimit(mapFd_),
        [&](const np_source_range_key& key, std::uint32_t) -> Status {
            auto address = decodeAddress(key.family, key.addr, NP_MAP_SOURCE_RANGES);
            if (!address) return address.error();
            IpPrefix prefix{*address, static_cast<int>(key.prefixlen) - NP_SOURCE_RANGE_FIXED_BITS};
            out.emplace(key.rev_nat_id, prefix);
            return {};
        });
    if (!walked) return walked.error();
    return out;
}

Status BpfSourceRangeTable::insert(std::uint32_t revNatId, const IpPrefix& prefix) {
    if (prefix.length < 0 || prefix.length > prefix.address.bitLength())
        return Error::logical("Failed to write " + describe(revNatId, prefix) + ": bad prefix length");
    const auto key = toKey(revNatId, prefix);
    const std::uint32_t allow = 1;
    if (::bpf_map_update_elem(mapFd_, &key, &allow, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write " + describe(revNatId, prefix) + " to " NP_MAP_SOURCE_RANGES);
    return {};
}

Status BpfSourceRangeTable::erase(std::uint32_t revNatId, const IpPrefix& prefix) {
    const auto key = toKey(revNatId, prefix);
    if (::bpf_map_delete_elem(mapFd_, &key) != 0 && errno != ENOENT)
        return Error::fromErrno(errno,
                                "Failed to delete " + describe(revNatId, prefix) + " from " NP_MAP_SOURCE_RANGES);
    return {};
}

}  // namespace nodeplane::datapath
