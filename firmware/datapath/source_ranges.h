// Typed access to np_source_ranges_v1: the loadBalancerSourceRanges of each
// frontend (by rev-NAT id) that has NP_SVC_F_SOURCE_RANGES. Daemon-written.
#pragma once

#include <cstdint>
#include <set>
#include <utility>

#include "common/ip.h"
#include "common/result.h"

namespace nodeplane::datapath {

using SourceRange = std::pair<std::uint32_t, IpPrefix>;  // rev-NAT id, client prefix

class SourceRangeTable {
public:
    virtual ~SourceRangeTable() = default;

    virtual Result<std::set<SourceRange>> list() const = 0;
    virtual Status insert(std::uint32_t revNatId, const IpPrefix& prefix) = 0;
    virtual Status erase(std::uint32_t revNatId, const IpPrefix& prefix) = 0;
};

class BpfSourceRangeTable final : public SourceRangeTable {
public:
    explicit BpfSourceRangeTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::set<SourceRange>> list() const override;
    Status insert(std::uint32_t revNatId, const IpPrefix& prefix) override;
    Status erase(std::uint32_t revNatId, const IpPrefix& prefix) override;

private:
    int mapFd_;
};

}  // namespace nodeplane::datapath
