// One kind's thread: list (in pages), then watch from the list's
// resourceVersion, applying each event to the shared store; relist on 410
// Gone; back off with jitter after any failure. Logs each distinct failure
// once, not once per retry, so a down API server does not flood the journal.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include "common/result.h"
#include "kube/backoff.h"
#include "kube/cluster_feed.h"
#include "kube/http_client.h"
#include "kube/line_splitter.h"
#include "kube/resource_kinds.h"
#include "kube/watch_event.h"

namespace nodeplane::kube {

class FeedShared;

class KindWatcher {
public:
    // Starts the thread; `options` and `shared` outlive the watcher.
    KindWatcher(const KindInfo& kind, const FeedOptions& options, FeedShared& shared, std::uint64_t seed);
    ~KindWatcher();  // joins; the owner has asked the shared state to stop first
    KindWatcher(const KindWatcher&) = delete;
    KindWatcher& operator=(const KindWatcher&) = delete;

private:
    enum class WatchEnd { Expired, Gone };
    void run() noexcept;
    bool stopping() const;
    void sleepFor(std::chrono::milliseconds delay) const;
    Result<std::string> list();  // returns the list's resourceVersion
    Result<WatchEnd> watch();
    // false: end the stream (`lineError_` says why, or `gone_` is set).
    bool handleLine(std::string_view line);
    void reportFailure(const std::string& step, const std::string& error);
    std::string httpError(long status, const std::string& body) const;

    const KindInfo& kind_;
    const FeedOptions& options_;
    FeedShared& shared_;
    Backoff backoff_;
    HttpClient http_;
    EventDecoder decoder_;
    LineSplitter splitter_;
    std::string resourceVersion_;
    std::string lineError_;
    bool gone_ = false;
    std::string lastLogged_;
    std::thread thread_;
};

}  // namespace nodeplane::kube
