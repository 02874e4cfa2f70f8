#include "daemon/kube_state_source.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "daemon/pod_interfaces.h"
#include "kube/credentials.h"
#include "state/live_model_repair.h"
#include "state/snapshot_loader.h"

namespace nodeplane::daemon {

namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

std::uint64_t usecSinceEpoch(system_clock::time_point t) {
    if (t == system_clock::time_point{}) return 0;
    return std::uint64_t(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

// "everything", or what changed: "2 services, slices of 1 service, pods".
std::string describeChanges(const state::SnapshotChanges& c) {
    if (c.everything) return "everything";
    std::string out;
    auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
    if (!c.services.empty()) add(std::to_string(c.services.size()) + " services");
    if (!c.endpointSlicesOf.empty()) add("slices of " + std::to_string(c.endpointSlicesOf.size()) + " services");
    if (c.nodes) add("nodes");
    if (c.namespaces) add("namespaces");
    if (c.pods) add("pods");
    if (c.networkPolicies) add("network policies");
    return out.empty() ? "nothing" : out;
}

}  // namespace

KubeStateSource::~KubeStateSource() {
    // The feed's threads stop first: nothing may notify a closed source.
    feed_.reset();
}

Result<std::unique_ptr<KubeStateSource>> KubeStateSource::start(sd_event* loop, const config::Config& config,
                                                                 Apply apply) {
    const auto& path = config.kubernetes.kubeconfig;
    auto credentials = path.empty() ? kube::inClusterCredentials() : kube::loadKubeconfig(path);
    if (!credentials) return credentials.error();
    std::unique_ptr<KubeStateSource> source(new KubeStateSource(loop, config.node.name, config.kubernetes.lastKnown,
                                                                credentials->describe, std::move(apply)));
    kube::FeedOptions options;
    options.credentials = std::move(credentials).value();
    options.nodeName = config.node.name;
    if (auto st = source->arm(std::move(options)); !st) return st.error();
    return source;
}

Status KubeStateSource::arm(kube::FeedOptions options) {
    spdlog::info("State from the API server {} ({}); last-known state in {}", options.credentials.server, describe_,
                 lastKnownPath_);
    auto feed = kube::ClusterFeed::start(std::move(options));
    if (!feed) return feed.error();
    feed_ = std::move(feed).value();
    sd_event_source* src = nullptr;
    if (int r = sd_event_add_io(loop_, &src, feed_->notifyFd(), EPOLLIN, &KubeStateSource::onNotify, this); r < 0)
        return Error::fromErrno(r, "Failed to watch the API server feed");
    notifySource_.reset(src);
    return armTimer(loop_, bootTimer_, kBootSyncWait, &KubeStateSource::onBootWait, this);
}

Status KubeStateSource::armTimer(sd_event* loop, EventSourcePtr& timer, std::chrono::microseconds after,
                                 sd_event_time_handler_t handler, void* self) {
    std::uint64_t now = 0;
    sd_event_now(loop, CLOCK_MONOTONIC, &now);
    const std::uint64_t at = now + std::uint64_t(after.count());
    if (timer) {
        sd_event_source_set_time(timer.get(), at);
        sd_event_source_set_enabled(timer.get(), SD_EVENT_ONESHOT);
        return {};
    }
    sd_event_source* src = nullptr;
    if (int r = sd_event_add_time(loop, &src, CLOCK_MONOTONIC, at, 1000, handler, self); r < 0)
        return Error::fromErrno(r, "Failed to add a timer");
    timer.reset(src);
    return {};
}

void KubeStateSource::onFeedChanged() {
    const auto health = feed_->health();
    if (health.lastError != lastLoggedError_) {
        // The feed logs each failure itself; this notes what it means for the node.
        if (!health.lastError.empty() && !health.synced && !lastKnownTried_)
            spdlog::warn("The API server has not been synced yet: {}", health.lastError);
        lastLoggedError_ = health.lastError;
    }
    if (!health.synced) {
        // A failed request before the first sync: the API server cannot be
        // reached now, and waiting for it helps nobody.
        if (!health.lastError.empty()) bootFromLastKnown("the API server cannot be reached: " + health.lastError);
        return;
    }
    everSynced_ = true;
    if (bootTimer_) sd_event_source_set_enabled(bootTimer_.get(), SD_EVENT_OFF);
    if (changedAt_) return;  // the settle timer is armed
    const auto now = steady_clock::now();
    changedAt_ = now;
    std::chrono::microseconds wait = kSettle;
    if (lastApplyEnd_) {
        const auto gap = std::min<std::chrono::microseconds>(kApplyGapPerCost * lastApplyCost_, kMaxApplyGap);
        const auto due = std::chrono::duration_cast<std::chrono::microseconds>(*lastApplyEnd_ + gap - now);
        wait = std::max(wait, due);
    }
    if (auto st = armTimer(loop_, settleTimer_, wait, &KubeStateSource::onSettled, this); !st)
        spdlog::error("{}", st.error().message);
}

Result<std::string> KubeStateSource::applyFeed(const char* why, steady_clock::time_point began) {
    const auto started = steady_clock::now();
    auto applied = applyFeedNow(why, began);
    lastApplyEnd_ = steady_clock::now();
    lastApplyCost_ = std::chrono::duration_cast<std::chrono::microseconds>(*lastApplyEnd_ - started);
    return applied;
}

Result<std::string> KubeStateSource::applyFeedNow(const char* why, steady_clock::time_point began) {
    // The kept state is refreshed in place: only kinds that changed are
    // copied again, unless the last repair edited the model (what it left
    // out may belong in now).
    feed_->refresh(live_, refreshAll_);
    refreshAll_ = false;
    // Only a changed state, or one not in force yet, is worth a compile.
    if (appliedLive_ && live_.changes.empty() && live_.errors.empty()) return std::string("no change");
    // The same unusable annotations come back with every apply: said once.
    auto interfaceNotes = assignPodInterfaces(live_.model);
    if (interfaceNotes != interfaceNotes_)
        for (const auto& note : interfaceNotes) spdlog::warn("{}", note);
    interfaceNotes_ = std::move(interfaceNotes);
    auto repair = state::repairLiveModel(live_.model);
    if (repair.changed()) {
        refreshAll_ = true;
        spdlog::info("The API server's state is inconsistent for now: {} objects left out, {} references cleared, "
                     "{} added",
                     repair.dropped, repair.cleared, repair.added);
        for (const auto& note : repair.notes) spdlog::debug("  {}", note);
    }
    appliedLive_ = false;
    auto applied = apply_(live_.model, live_.errors, live_.changes,
                          {"the API server", describeChanges(live_.changes) + " changed", why, began});
    if (!applied) return applied;
    appliedLive_ = true;
    if (servingLastKnown_) {
        spdlog::info("The API server's state is applied: no longer serving the last-known state");
        servingLastKnown_ = false;
        lastKnown_.reset();
    }
    scheduleSave();
    return applied;
}

void KubeStateSource::bootFromLastKnown(const std::string& reason) {
    if (lastKnownTried_ || everSynced_) return;
    lastKnownTried_ = true;
    if (bootTimer_) sd_event_source_set_enabled(bootTimer_.get(), SD_EVENT_OFF);
    std::error_code ec;
    if (!std::filesystem::exists(lastKnownPath_, ec)) {
        spdlog::warn("No last-known state at {} ({}): the node has no state until the API server answers",
                     lastKnownPath_, reason);
        return;
    }
    auto loaded = state::loadSnapshot(lastKnownPath_);
    if (!loaded.ok()) {
        spdlog::error("The last-known state {} is refused ({}); the node has no state until the API server "
                      "answers:\n{}",
                      lastKnownPath_, reason, formatInputErrors(loaded.errors));
        return;
    }
    lastKnown_ = std::move(loaded.model);
    state::SnapshotChanges everything;
    everything.everything = true;
    auto applied = apply_(*lastKnown_, {}, everything,
                          {lastKnownPath_, "the last-known snapshot", "API server unreachable at start",
                           steady_clock::now()});
    if (!applied) return;  // the apply path said why
    servingLastKnown_ = true;
    spdlog::warn("Serving the last-known state from {} ({}): degraded until the API server is synced",
                 lastKnownPath_, reason);
}

void KubeStateSource::scheduleSave() {
    const auto now = steady_clock::now();
    if (!savedAt_ || now - *savedAt_ >= kMinSaveInterval) {
        saveLastKnown();
        return;
    }
    saveWanted_ = true;
    const auto due = *savedAt_ + kMinSaveInterval - now;
    if (auto st = armTimer(loop_, saveTimer_, std::chrono::duration_cast<std::chrono::microseconds>(due),
                           &KubeStateSource::onSaveDue, this);
        !st)
        spdlog::error("{}", st.error().message);
}

void KubeStateSource::saveLastKnown() {
    saveWanted_ = false;
    // Only a state in force is worth booting from.
    if (!appliedLive_) return;
    savedAt_ = steady_clock::now();
    writer_.submit(live_.model);  // a copy: the writer renders it on its own thread
}

Result<std::string> KubeStateSource::applyNow(const char* why) {
    if (everSynced_) {
        // Everything again: a reload may have changed how the same objects compile.
        appliedLive_ = false;
        return applyFeed(why, steady_clock::now());
    }
    if (lastKnown_) {
        return apply_(*lastKnown_, {}, state::SnapshotChanges{}, {lastKnownPath_, "the last-known snapshot", why,
                                                                   steady_clock::now()});
    }
    return Error::logical("No state to apply: the API server has not been synced and no last-known state was applied");
}

bus::StateFeedStatus KubeStateSource::status() const {
    const auto health = feed_->health();
    bus::StateFeedStatus s;
    s.synced = health.synced;
    s.connected = health.connected;
    s.lastError = health.lastError;
    s.lastContactUsec = usecSinceEpoch(health.lastContact);
    s.lastKnownPath = lastKnownPath_;
    s.lastKnownSavedUsec = writer_.savedUsec();
    s.relists = health.relists;
    s.watchRestarts = health.watchRestarts;
    s.events = health.events;
    s.errors = health.errors;
    s.servingLastKnown = servingLastKnown_;
    const std::string error = health.lastError.empty() ? "" : ": " + health.lastError;
    if (servingLastKnown_)
        s.degradedReason = "serving the last-known state from " + lastKnownPath_ +
                           ": the API server has not been synced since start" + error;
    else if (!health.synced)
        s.degradedReason = "no state from the API server yet" + error;
    else if (!health.connected)
        s.degradedReason = "the API server is not answering; serving the state it sent last" + error;
    s.degraded = !s.degradedReason.empty();
    return s;
}

int KubeStateSource::onNotify(sd_event_source*, int, uint32_t, void* userdata) noexcept {
    auto* self = static_cast<KubeStateSource*>(userdata);
    try {
        self->feed_->clearNotification();
        self->onFeedChanged();
    } catch (const std::exception& e) {
        spdlog::error("Handling an API server change failed: {}", e.what());
    }
    return 0;
}

int KubeStateSource::onSettled(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<KubeStateSource*>(userdata);
    try {
        const auto began = self->changedAt_.value_or(steady_clock::now());
        self->changedAt_.reset();
        (void)self->applyFeed("API change", began);
    } catch (const std::exception& e) {
        spdlog::error("Applying the API server's state failed: {}", e.what());
    }
    return 0;
}

int KubeStateSource::onBootWait(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<KubeStateSource*>(userdata);
    try {
        self->bootFromLastKnown("the API server has not completed a sync within " +
                                std::to_string(kBootSyncWait.count()) + " s");
    } catch (const std::exception& e) {
        spdlog::error("Booting from the last-known state failed: {}", e.what());
    }
    return 0;
}

int KubeStateSource::onSaveDue(sd_event_source*, uint64_t, void* userdata) noexcept {
    auto* self = static_cast<KubeStateSource*>(userdata);
    try {
        if (self->saveWanted_) self->saveLastKnown();
    } catch (const std::exception& e) {
        spdlog::error("Saving the last-known state failed: {}", e.what());
    }
    return 0;
}

}  // namespace nodeplane::daemon
