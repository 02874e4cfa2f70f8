// What the kind threads and the daemon's thread share: the store, the health
// of each kind, the wake-up eventfd and the stop eventfd. Every member is
// used under the one mutex; the fds themselves are thread-safe.
#pragma once

#include <array>
#include <mutex>
#include <string>

#include "common/unique_fd.h"
#include "kube/cluster_feed.h"
#include "kube/object_store.h"
#include "kube/resource_kinds.h"

namespace nodeplane::kube {

class FeedShared {
public:
    explicit FeedShared(std::string nodeName);
    Status open();  // creates the eventfds

    int notifyFd() const { return notify_.get(); }
    int stopFd() const { return stop_.get(); }
    void requestStop();

    // Runs `fn(store)` under the lock; wakes the daemon when it returns true.
    template <typename Fn>
    void update(Fn&& fn) {
        std::lock_guard lock(mutex_);
        if (fn(store_)) wake();
    }
    FeedState take();
    void refresh(FeedState& state, bool all);

    // Health, per kind. Each wakes the daemon only when the summary changes.
    void succeeded(Kind kind, bool listed);  // a response or an event arrived
    void failed(Kind kind, const std::string& error);
    void countEvent();
    void countRelist();
    void countWatchRestart();
    FeedHealth health() const;

private:
    struct KindHealth {
        bool listed = false;
        bool ok = false;
        std::string error;
    };
    FeedHealth summaryLocked() const;
    void wakeIfHealthChanged(const FeedHealth& before);
    void wake();

    mutable std::mutex mutex_;
    ObjectStore store_;
    std::array<KindHealth, kKinds.size()> kinds_{};
    FeedHealth counters_;  // lastContact and the counters; the rest is derived
    std::string lastError_;
    UniqueFd notify_, stop_;
};

}  // namespace nodeplane::kube
