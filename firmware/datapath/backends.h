// Typed access to np_backends_v1 (backend id -> address, port, flags) and
// np_rev_nat_v1 (rev-NAT id -> frontend address, port), both daemon-written.
#pragma once

#include <map>

#include "common/result.h"
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

class BpfBackendTable final : public BackendTable {
public:
    explicit BpfBackendTable(int mapFd) : mapFd_(mapFd) {}

    Result<std::map<BackendId, Backend>> list() const override;
    Status upsert(BackendId id, const Backend& backend) override;
    Status erase(BackendId id) override;

private:
    int mapFd_;
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
