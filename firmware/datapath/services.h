// Typed access to the frontends (np_services_v1) and their backend slot
// ranges (np_backend_slots_v1). The backend set of a service changes through
// the two-half flip, so a packet sees either the whole old set or the whole
// new one. Narrow interface: the reconciler is unit-tested against a fake.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "common/result.h"
#include "datapath/service_types.h"

namespace nodeplane::datapath {

class ServiceTable {
public:
    virtual ~ServiceTable() = default;

    // Every frontend with its slot state.
    virtual Result<std::map<FrontendKey, FrontendEntry>> list() const = 0;
    // Creates or overwrites a frontend in one map update. It takes the
    // service's current backend set (set before or after, in any order).
    virtual Status upsert(const FrontendKey& key, const FrontendValue& value) = 0;
    // Removes a frontend; absent is fine. The slots stay while the service
    // id has a backend set (eraseBackendSet() removes them).
    virtual Status erase(const FrontendKey& key) = 0;
    // Makes each set (backend ids in slot order, at most 65535) the set of
    // every frontend of its service id: writes the idle half, flips each
    // frontend in one update, waits until no packet can still be reading the
    // old half (one grace period for the whole batch), then deletes it.
    virtual Status replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) = 0;
    // One service's set: replaceBackendSets() of one.
    Status replaceBackendSet(std::uint32_t serviceId, const std::vector<BackendId>& backends) {
        return replaceBackendSets({{serviceId, backends}});
    }
    // The active set of `serviceId`, in slot order; empty when it has none
    // (or, before this table first wrote, when no frontend names the service).
    virtual Result<std::vector<BackendId>> backendSet(std::uint32_t serviceId) const = 0;
    // Removes a service's slots; frontends left switch to an empty set first.
    virtual Status eraseBackendSet(std::uint32_t serviceId) = 0;
};

// The table over the real maps. Borrows the fds. It learns each service's
// active half and count from the frontends already in the map (a restarted
// daemon adopts them) on first use, and keeps them in memory after: it must
// be the only writer of the two maps.
class BpfServiceTable final : public ServiceTable {
public:
    BpfServiceTable(int servicesFd, int slotsFd) : servicesFd_(servicesFd), slotsFd_(slotsFd) {}

    Result<std::map<FrontendKey, FrontendEntry>> list() const override;
    Status upsert(const FrontendKey& key, const FrontendValue& value) override;
    Status erase(const FrontendKey& key) override;
    Status replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) override;
    Result<std::vector<BackendId>> backendSet(std::uint32_t serviceId) const override;
    Status eraseBackendSet(std::uint32_t serviceId) override;

private:
    struct SlotState {
        std::uint8_t activeHalf = 0;
        std::uint32_t count = 0;
        std::set<FrontendKey> frontends;
    };

    struct Cleanup {
        std::uint32_t serviceId;
        std::uint8_t half;
        std::uint32_t count;
    };

    // Reads the pinned frontends once: each service's active half and count,
    // and which frontends it has. Const because a listing may need it; the
    // cache it fills is the table's own.
    Status learn() const;
    // Moves `key` to service `serviceId` in the cache (nullopt: to none).
    void index(const FrontendKey& key, std::optional<std::uint32_t> serviceId);
    Status checkSet(std::uint32_t serviceId, const std::vector<BackendId>& backends) const;
    // Steps 1 and 2 of a set change; what step 3 must delete goes to `cleanups`.
    Status writeAndFlip(std::uint32_t serviceId, const std::vector<BackendId>& backends, std::vector<Cleanup>& cleanups);
    Status deleteSlots(std::uint32_t serviceId, std::uint8_t half, std::uint32_t from, std::uint32_t to);

    int servicesFd_;
    int slotsFd_;
    mutable bool learned_ = false;
    mutable std::map<std::uint32_t, SlotState> slots_;  // by service id
    // Which service each frontend names, so moving one is O(log n), not a
    // scan of every service (applying 10,000 services was quadratic).
    mutable std::map<FrontendKey, std::uint32_t> serviceOf_;
};

}  // namespace nodeplane::datapath
