// Typed access to the backends (np_backends_v2 and np_backend_spill_v1:
// backend id -> address, port, flags) and np_rev_nat_v1 (rev-NAT id ->
// frontend address, port), all daemon-written.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "common/result.h"
#include "datapath/abi.h"
#include "datapath/address_filter.h"
#include "datapath/service_types.h"

namespace nodeplane::datapath {

class BackendTable {
public:
    virtual ~BackendTable() = default;

    virtual Result<std::map<BackendId, Backend>> list() const = 0;
    // Creates or overwrites backend `id` (1 .. kMaxBackendId) in one update.
    virtual Status upsert(BackendId id, const Backend& backend) = 0;
    // Removes backend `id`; absent is fine. Established TCP flows to it are
    // then dropped (backend_gone) and UDP flows move to another backend.
    virtual Status erase(BackendId id) = 0;
};

class RevNatTable {
public:
    virtual ~RevNatTable() = default;

    virtual Result<std::map<std::uint32_t, RevNatTarget>> list() const = 0;
    virtual Status upsert(std::uint32_t revNatId, const RevNatTarget& target) = 0;
    virtual Status erase(std::uint32_t revNatId) = 0;
};

// The backends over the real maps (borrowed fds). Backend id `id` lives at
// index id % entries of the array when that is free or its own, else in the
// spill hash; the datapath looks in that order. An entry another id needs is
// never overwritten in one write: readers copy values without a lock, so
// every array write changes either the id or the rest, never both, and a
// packet sees a backend whole or not at all. It keeps np_backend_addrs_v1 in
// step (an address is in it while any backend has it). It learns which ids
// spilled, and the addresses, on first use: it must be the only writer of
// the three maps.
class BpfBackendTable final : public BackendTable {
public:
    BpfBackendTable(int arrayFd, int spillFd, std::uint32_t entries, int addressFilterFd)
        : arrayFd_(arrayFd), spillFd_(spillFd), entries_(entries), filter_(addressFilterFd, NP_MAP_BACKEND_ADDRS) {}

    Result<std::map<BackendId, Backend>> list() const override;
    Status upsert(BackendId id, const Backend& backend) override;
    Status erase(BackendId id) override;

private:
    std::uint32_t indexOf(BackendId id) const { return id % entries_; }
    Status learn() const;
    Result<np_backend> readIndex(std::uint32_t index) const;
    Status writeIndex(std::uint32_t index, const np_backend& value, BackendId id) const;
    Status writeSpill(BackendId id, const np_backend& value);
    Status deleteSpill(BackendId id);
    // Replaces the array entry `current` (of another id, or a changed one)
    // with `next`, through states a reader can take at any point.
    Status replaceIndex(std::uint32_t index, const np_backend& current, const np_backend& next) const;
    // An array entry just freed takes a spilled id of its index, if any.
    Status promote(std::uint32_t index, np_backend freed);
    // The address backend `id` has now (`atIndex`: its array entry), if any.
    Result<std::optional<IpAddress>> addressOf(BackendId id, const np_backend& atIndex) const;
    // Writes backend `id` where it belongs (`atIndex`: its array entry now).
    Status place(BackendId id, const Backend& backend, const np_backend& atIndex);

    int arrayFd_;
    int spillFd_;
    std::uint32_t entries_;
    mutable bool learned_ = false;
    mutable std::map<std::uint32_t, std::set<BackendId>> spilled_;  // by array index
    mutable AddressFilter filter_;                                   // np_backend_addrs_v1
};

class BpfRevNatTable final : public RevNatTable {
public:
    explicit BpfRevNatTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::map<std::uint32_t, RevNatTarget>> list() const override;
    Status upsert(std::uint32_t revNatId, const RevNatTarget& target) override;
    Status erase(std::uint32_t revNatId) override;

private:
    int mapFd_;
};

}  // namespace nodeplane::datapath
