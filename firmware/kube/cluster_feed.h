// The daemon's client for the Kubernetes API server: one thread per kind
// lists and then watches its objects, decodes them into the typed model and
// keeps them in one store, which the daemon's loop takes whole together with
// what changed. The daemon waits on notifyFd() in its own event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "kube/credentials.h"
#include "kube/object_store.h"

namespace nodeplane::kube {

struct FeedOptions {
    Credentials credentials;
    std::string nodeName;                                                // Model::node
    std::chrono::milliseconds backoffInitial{500}, backoffMax{30'000};   // jittered exponential
    std::chrono::seconds watchTimeout{300};                              // timeoutSeconds of each watch request
    std::chrono::seconds requestTimeout{30};                             // a list or connect that takes longer fails
    std::size_t listPageSize = 500;                                      // limit= of each list page
};

struct FeedHealth {
    bool synced = false;     // every kind listed at least once since start
    bool connected = false;  // the last request of every kind succeeded (no error since)
    std::string lastError;   // "Pods: list: HTTP 500 ...", "" when none
    std::chrono::system_clock::time_point lastContact{};  // last successful response or event
    std::uint64_t relists = 0, watchRestarts = 0, events = 0, errors = 0;
};

class FeedShared;
class KindWatcher;

class ClusterFeed {
public:
    // Starts one thread per kind (list, then watch from the list's resourceVersion; on 410 Gone relist;
    // on any error back off with jitter and retry; bookmarks advance the resourceVersion).
    static Result<std::unique_ptr<ClusterFeed>> start(FeedOptions options);
    ~ClusterFeed();  // stops and joins every thread promptly (< 1 s), even mid-request
    ClusterFeed(const ClusterFeed&) = delete;
    ClusterFeed& operator=(const ClusterFeed&) = delete;

    int notifyFd() const;      // an eventfd: readable when the state or the health changed
    void clearNotification();  // reads the eventfd
    FeedHealth health() const;
    FeedState take();  // a copy of the current state; resets `changes`
    // The same into a state kept between calls: only kinds changed since the
    // last call are copied again (every kind with `all`); see ObjectStore::refresh.
    void refresh(FeedState& state, bool all);

private:
    ClusterFeed();
    // Declared before the watchers, which hold references into both.
    std::unique_ptr<FeedOptions> options_;
    std::unique_ptr<FeedShared> shared_;
    std::vector<std::unique_ptr<KindWatcher>> watchers_;
};

}  // namespace nodeplane::kube
