#include "datapath/address_filter.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "datapath/abi.h"

namespace nodeplane::datapath {

namespace {

// np_mix32 of bpf/lib/lb.h (murmur3's 32-bit finaliser), bit for bit.
std::uint32_t mix32(std::uint32_t h) {
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

}  // namespace

std::optional<std::uint32_t> addressFilterBit(const IpAddress& address) {
    if (!address.isV4()) return std::nullopt;
    // The datapath hashes the address as the packet holds it (network
    // order) loaded as a native __u32: the same four bytes here.
    std::uint32_t raw = 0;
    std::memcpy(&raw, address.bytes.data(), sizeof(raw));
    return mix32(raw) % NP_ADDR_FILTER_BITS;
}

Status AddressFilter::writeWord(std::uint32_t word) {
    auto found = words_.find(word);
    const std::uint64_t value = found == words_.end() ? 0 : found->second;
    if (::bpf_map_update_elem(mapFd_, &word, &value, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write word " + std::to_string(word) + " of " + mapName_);
    if (found != words_.end() && value == 0) words_.erase(found);
    return {};
}

Status AddressFilter::add(const IpAddress& address) {
    auto bit = addressFilterBit(address);
    if (!bit) return {};
    if (counts_[*bit]++ > 0) return {};
    words_[*bit / 64] |= std::uint64_t{1} << (*bit % 64);
    if (auto ok = writeWord(*bit / 64); !ok) {
        --counts_[*bit];
        return ok;
    }
    return {};
}

Status AddressFilter::remove(const IpAddress& address) {
    auto bit = addressFilterBit(address);
    if (!bit) return {};
    auto count = counts_.find(*bit);
    if (count == counts_.end()) return {};
    if (--count->second > 0) return {};
    counts_.erase(count);
    words_[*bit / 64] &= ~(std::uint64_t{1} << (*bit % 64));
    return writeWord(*bit / 64);
}

Status AddressFilter::adopt(const std::vector<IpAddress>& addresses) {
    counts_.clear();
    words_.clear();
    for (const auto& address : addresses) {
        auto bit = addressFilterBit(address);
        if (!bit) continue;
        ++counts_[*bit];
        words_[*bit / 64] |= std::uint64_t{1} << (*bit % 64);
    }
    // Bits a predecessor left set without a frontend only cost a lookup
    // that misses; these must be set.
    for (const auto& [word, bits] : words_)
        if (auto ok = writeWord(word); !ok) return ok;
    return {};
}

}  // namespace nodeplane::datapath
