// Stable numbers for datapath objects (service ids, rev-NAT ids, backend ids,
// policy identities) across state generations and daemon restarts: an object
// keeps its id while it exists, and a released id is not handed out again
// before the space wraps, because conntrack entries and logs may still name it.
#pragma once

#include <cstdint>
#include <map>
#include <set>

namespace nodeplane {

template <typename Key>
class IdAllocator {
public:
    // Ids first..maxId; 0 means "none" in the datapath, so first >= 1.
    explicit IdAllocator(std::uint32_t maxId, std::uint32_t first = 1) : first_(first), next_(first), maxId_(maxId) {}

    // Adopts an id a previous daemon gave `key` (read back from the maps).
    void seed(const Key& key, std::uint32_t id) {
        ids_[key] = id;
        skipPast(id);
    }

    // Never hands out `id` or below (until the space wraps): for ids a
    // previous daemon used whose keys cannot be recovered.
    void skipPast(std::uint32_t id) {
        if (id >= next_) next_ = id >= maxId_ ? first_ : id + 1;
    }

    bool knows(const Key& key) const { return ids_.contains(key); }

    std::uint32_t idFor(const Key& key) {
        if (auto it = ids_.find(key); it != ids_.end()) return it->second;
        std::uint32_t id = next_;
        next_ = next_ >= maxId_ ? first_ : next_ + 1;
        ids_.emplace(key, id);
        return id;
    }

    // Forgets `key`; its id is not handed out again before the space wraps.
    void release(const Key& key) { ids_.erase(key); }

    // Forgets every key not in `live`.
    void retain(const std::set<Key>& live) {
        std::erase_if(ids_, [&](const auto& kv) { return !live.contains(kv.first); });
    }

private:
    std::map<Key, std::uint32_t> ids_;
    std::uint32_t first_;
    std::uint32_t next_;
    std::uint32_t maxId_;
};

}  // namespace nodeplane
