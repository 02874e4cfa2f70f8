// Denials folded per connection key over a window (GKE: 5 s), as GKE's
// network policy logging does: one record per (source address, destination
// address, destination port, protocol, direction) and window, the source
// port left out of the key because a retrying client picks a new one each
// time. The first denial opens the window; later ones only count; when the
// window ends, one record goes out carrying the first denial (its time,
// its source port and peers) and the count. Time is passed in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "common/ip.h"
#include "observe/flow_event.h"

namespace nodeplane::policylog {

struct DenyAggregate {
    observe::EnrichedFlow first;
    std::uint64_t count = 0;
};

class DenyAggregator {
public:
    using TimePoint = std::chrono::steady_clock::time_point;

    // More keys than this at once are refused (add() returns false) so a
    // scan over many addresses cannot grow the daemon without bound.
    static constexpr std::size_t kMaxPendingKeys = 65536;

    explicit DenyAggregator(std::chrono::seconds window) : window_(window) {}

    // Counts a denial seen at `now`. When its key's window has already
    // ended (tick() not yet called), that window is closed into `closed`
    // first and a new one opens. False when the table is full.
    bool add(const observe::EnrichedFlow& flow, TimePoint now, std::vector<DenyAggregate>& closed);
    // Closes every window that ends at or before `now`, oldest first.
    std::vector<DenyAggregate> takeDue(TimePoint now);
    // Closes all windows (reload, shutdown), oldest first.
    std::vector<DenyAggregate> takeAll();

    // Windows already open keep the length they started with.
    void setWindow(std::chrono::seconds window) { window_ = window; }
    std::size_t pending() const { return pending_.size(); }

private:
    using Key = std::tuple<IpAddress, IpAddress, std::uint16_t, std::uint8_t, observe::PolicyDirection>;
    struct Pending {
        DenyAggregate aggregate;
        TimePoint ends;
        std::uint64_t sequence;  // opening order, for a stable output order
    };

    static Key keyOf(const observe::FlowEvent& event);
    std::vector<DenyAggregate> take(std::optional<TimePoint> dueBy);

    std::chrono::seconds window_;
    std::map<Key, Pending> pending_;
    std::uint64_t nextSequence_ = 0;
};

}  // namespace nodeplane::policylog
