// Typed access to the frontends (np_services_v2) and their backend slot
// ranges (np_backend_slots_v2). The backend set of a service changes through
// a flip to a newly written range, so a packet sees either the whole old set
// or the whole new one. Narrow interface: the reconciler is unit-tested
// against a fake.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "common/result.h"
#include "datapath/abi.h"
#include "datapath/address_filter.h"
#include "datapath/service_types.h"
#include "datapath/slot_ranges.h"

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
    // every frontend of its service id: writes it to a free slot range, flips
    // each frontend to it in one update, waits until no packet can still be
    // reading the old range (one grace period for the whole batch), then
    // frees that.
    virtual Status replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) = 0;
    // One service's set: replaceBackendSets() of one.
    Status replaceBackendSet(std::uint32_t serviceId, const std::vector<BackendId>& backends) {
        return replaceBackendSets({{serviceId, backends}});
    }
    // The active set of `serviceId`, in slot order; empty when it has none
    // (or, before this table first wrote, when no frontend names the service).
    virtual Result<std::vector<BackendId>> backendSet(std::uint32_t serviceId) const = 0;
    // Frees a service's slots; frontends left switch to an empty set first.
    virtual Status eraseBackendSet(std::uint32_t serviceId) = 0;
};

// The table over the real maps. Borrows the fds; `slots` is the size of the
// slot array. It keeps np_service_addrs_v1 in step with the frontends. It learns each service's slot range from the frontends already
// in the map (a restarted daemon adopts them) on first use, and keeps them in
// memory after: it must be the only writer of the two maps.
class BpfServiceTable final : public ServiceTable {
public:
    BpfServiceTable(int servicesFd, int slotsFd, std::uint32_t slots, int addressFilterFd)
        : servicesFd_(servicesFd),
          slotsFd_(slotsFd),
          ranges_(slots),
          slots_(slots),
          filter_(addressFilterFd, NP_MAP_SERVICE_ADDRS) {}

    Result<std::map<FrontendKey, FrontendEntry>> list() const override;
    Status upsert(const FrontendKey& key, const FrontendValue& value) override;
    Status erase(const FrontendKey& key) override;
    Status replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) override;
    Result<std::vector<BackendId>> backendSet(std::uint32_t serviceId) const override;
    Status eraseBackendSet(std::uint32_t serviceId) override;

private:
    struct Range {
        std::uint32_t first = 0;
        std::uint32_t count = 0;
    };

    struct SetState {
        std::uint8_t activeHalf = 0;  // flips with every set switch
        Range range;
        // Ranges other frontends of the service still name (a daemon died
        // inside a flip); freed by the service's next flip.
        std::vector<Range> stray;
        std::set<FrontendKey> frontends;
    };

    // Reads the pinned frontends once: each service's range and active half,
    // and which frontends it has; takes their ranges in the allocator.
    // Const because a listing may need it; the cache it fills is the table's own.
    Status learn() const;
    // Moves `key` to service `serviceId` in the cache (nullopt: to none).
    void index(const FrontendKey& key, std::optional<std::uint32_t> serviceId);
    Status checkSet(std::uint32_t serviceId, const std::vector<BackendId>& backends) const;
    // Steps 1 and 2 of a set change; what step 3 must free goes to `retired`.
    // `fresh` is the range allocated for the new set (empty for none).
    Status writeAndFlip(std::uint32_t serviceId, const std::vector<BackendId>& backends, Range fresh,
                        std::vector<Range>& retired);
    Status writeSlots(std::uint32_t serviceId, std::uint32_t first, const std::vector<BackendId>& backends);
    // Step 3: one grace period, then the ranges are free for new sets.
    Status retire(std::vector<Range>& retired);

    int servicesFd_;
    int slotsFd_;
    mutable bool learned_ = false;
    mutable SlotRanges ranges_;
    std::uint32_t slots_;
    mutable std::map<std::uint32_t, SetState> sets_;  // by service id
    // Which service each frontend names, so moving one is O(log n), not a
    // scan of every service (applying 10,000 services was quadratic).
    mutable std::map<FrontendKey, std::uint32_t> serviceOf_;
    // Ranges whose grace period failed: freed after the next one that works.
    std::vector<Range> unretired_;
    mutable AddressFilter filter_;  // np_service_addrs_v1
};

}  // namespace nodeplane::datapath
