// Which slots of np_backend_slots_v2 are taken: every backend set is one
// contiguous range of that array, so a frontend names its set with a first
// slot and a count and a packet finds a backend with one indexed lookup.
// First fit over a map of free extents, merged on release. Pure, so it is
// unit-tested without root.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace nodeplane::datapath {

class SlotRanges {
public:
    explicit SlotRanges(std::uint32_t slots);

    // The first slot of `count` (> 0) free slots, now taken; nullopt when no
    // free extent is that long.
    std::optional<std::uint32_t> allocate(std::uint32_t count);
    // Takes [first, first + count) as a restarted daemon finds it in use.
    // False (nothing taken) when any of it is outside the array or taken.
    bool reserve(std::uint32_t first, std::uint32_t count);
    // Frees a range allocate() or reserve() took.
    void release(std::uint32_t first, std::uint32_t count);

    std::uint32_t freeSlots() const { return free_; }

private:
    std::uint32_t slots_;
    std::uint32_t free_;
    std::map<std::uint32_t, std::uint32_t> extents_;  // first free slot -> length
};

}  // namespace nodeplane::datapath
