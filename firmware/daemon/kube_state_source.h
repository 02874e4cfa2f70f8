// [state] source = "kubernetes": the API server's objects through a
// kube::ClusterFeed, handed to the daemon's one apply path after each burst
// of changes; the last-known snapshot saved after each applied sync; and,
// at boot, that snapshot applied when the API server cannot be reached, so
// the node forwards (degraded) instead of waiting with no state at all.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bus/node_status.h"
#include "common/event.h"
#include "common/result.h"
#include "config/config.h"
#include "daemon/last_known_writer.h"
#include "daemon/state_origin.h"
#include "kube/cluster_feed.h"
#include "state/model.h"
#include "state/snapshot_changes.h"

namespace nodeplane::daemon {

class KubeStateSource {
public:
    // The daemon's apply path (Daemon::applyState).
    using Apply = std::function<Result<std::string>(const state::Model&, InputErrors, const state::SnapshotChanges&,
                                                    const StateOrigin&)>;

    // Changes arriving this close together are applied as one generation:
    // a rollout touches many objects within milliseconds.
    static constexpr std::chrono::milliseconds kSettle{50};
    // Under a steady stream of changes an apply starts no sooner than this
    // many times its predecessor's cost after it: the loop then spends at
    // most a third of its time applying, whatever the cluster's size, and a
    // small cluster is not slowed to a big one's pace.
    static constexpr int kApplyGapPerCost = 2;
    static constexpr std::chrono::milliseconds kMaxApplyGap{1000};
    // At boot, how long the first sync may take before the last-known state
    // is applied instead; a failed request applies it at once.
    static constexpr std::chrono::seconds kBootSyncWait{10};
    // The last-known snapshot is written at most this often (after the
    // first sync at once): rendering a big cluster costs seconds of a core,
    // and the file only matters when the API server is down at boot.
    static constexpr std::chrono::seconds kMinSaveInterval{10};

    // Reads the credentials ([kubernetes] kubeconfig, or the in-cluster
    // service account) and starts the feed; a bad kubeconfig is an error.
    static Result<std::unique_ptr<KubeStateSource>> start(sd_event* loop, const config::Config& config, Apply apply);
    ~KubeStateSource();

    // Applies the feed's current state now (a reload).
    Result<std::string> applyNow(const char* why);

    bus::StateFeedStatus status() const;

    KubeStateSource(const KubeStateSource&) = delete;
    KubeStateSource& operator=(const KubeStateSource&) = delete;

private:
    KubeStateSource(sd_event* loop, std::string nodeName, std::string lastKnownPath, std::string describe, Apply apply)
        : loop_(loop), nodeName_(std::move(nodeName)), lastKnownPath_(lastKnownPath),
          describe_(std::move(describe)), apply_(std::move(apply)), writer_(std::move(lastKnownPath)) {}

    Status arm(kube::FeedOptions options);
    void onFeedChanged();
    // Applies the feed's state, timing it for the gap before the next.
    Result<std::string> applyFeed(const char* why, std::chrono::steady_clock::time_point began);
    Result<std::string> applyFeedNow(const char* why, std::chrono::steady_clock::time_point began);
    void bootFromLastKnown(const std::string& reason);
    void saveLastKnown();
    void scheduleSave();
    static Status armTimer(sd_event* loop, EventSourcePtr& timer, std::chrono::microseconds after,
                           sd_event_time_handler_t handler, void* self);

    static int onNotify(sd_event_source*, int fd, uint32_t revents, void* self) noexcept;
    static int onSettled(sd_event_source*, uint64_t usec, void* self) noexcept;
    static int onBootWait(sd_event_source*, uint64_t usec, void* self) noexcept;
    static int onSaveDue(sd_event_source*, uint64_t usec, void* self) noexcept;

    sd_event* loop_;
    std::string nodeName_;
    std::string lastKnownPath_;
    std::string describe_;  // the credentials' source, for logs
    Apply apply_;
    LastKnownWriter writer_;
    std::unique_ptr<kube::ClusterFeed> feed_;
    EventSourcePtr notifySource_;
    EventSourcePtr settleTimer_;
    EventSourcePtr bootTimer_;
    EventSourcePtr saveTimer_;
    std::optional<std::chrono::steady_clock::time_point> changedAt_;  // first change not applied yet
    std::optional<std::chrono::steady_clock::time_point> lastApplyEnd_;
    std::chrono::microseconds lastApplyCost_{0};

    // The feed's state as last refreshed, made consistent; `appliedLive_`
    // when its model is the one in force.
    kube::FeedState live_;
    bool refreshAll_ = false;
    bool appliedLive_ = false;
    bool everSynced_ = false;
    // Booting from the last-known snapshot happens at most once, before the
    // first sync; it stays in force until a live state is applied.
    bool lastKnownTried_ = false;
    std::optional<state::Model> lastKnown_;
    bool servingLastKnown_ = false;
    bool saveWanted_ = false;
    std::optional<std::chrono::steady_clock::time_point> savedAt_;
    std::string lastLoggedError_;
    std::vector<std::string> interfaceNotes_;  // as last logged
};

}  // namespace nodeplane::daemon
