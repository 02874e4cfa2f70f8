#include "kube/feed_shared.h"

#include <sys/eventfd.h>

#include <cstdint>

namespace nodeplane::kube {

FeedShared::FeedShared(std::string nodeName) : store_(std::move(nodeName)) {}

Status FeedShared::open() {
    notify_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!notify_.valid()) return Error::fromErrno(errno, "Failed to create the feed's eventfd");
    stop_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_.valid()) return Error::fromErrno(errno, "Failed to create the feed's stop eventfd");
    return {};
}

void FeedShared::requestStop() {
    // Never read: it stays readable, so every poll on it returns at once.
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(stop_.get(), &one, sizeof one);
}

void FeedShared::wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(notify_.get(), &one, sizeof one);
}

FeedState FeedShared::take() {
    std::lock_guard lock(mutex_);
    return store_.take();
}

void FeedShared::refresh(FeedState& state, bool all) {
    std::lock_guard lock(mutex_);
    store_.refresh(state, all);
}

FeedHealth FeedShared::summaryLocked() const {
    FeedHealth h = counters_;
    h.synced = true;
    h.connected = true;
    for (const auto& k : kinds_) {
        h.synced = h.synced && k.listed;
        h.connected = h.connected && k.ok;
    }
    h.lastError = h.connected ? "" : lastError_;
    return h;
}

void FeedShared::wakeIfHealthChanged(const FeedHealth& before) {
    FeedHealth after = summaryLocked();
    if (after.synced != before.synced || after.connected != before.connected || after.lastError != before.lastError)
        wake();
}

void FeedShared::succeeded(Kind kind, bool listed) {
    std::lock_guard lock(mutex_);
    FeedHealth before = summaryLocked();
    auto& k = kinds_[static_cast<std::size_t>(kind)];
    k.ok = true;
    k.error.clear();
    if (listed) k.listed = true;
    counters_.lastContact = std::chrono::system_clock::now();
    // The last error still standing, so health names one while any kind fails.
    lastError_.clear();
    for (std::size_t i = 0; i < kinds_.size(); ++i)
        if (!kinds_[i].error.empty()) lastError_ = std::string(kKinds[i].plural) + ": " + kinds_[i].error;
    wakeIfHealthChanged(before);
}

void FeedShared::failed(Kind kind, const std::string& error) {
    std::lock_guard lock(mutex_);
    FeedHealth before = summaryLocked();
    auto& k = kinds_[static_cast<std::size_t>(kind)];
    k.ok = false;
    k.error = error;
    lastError_ = std::string(kindInfo(kind).plural) + ": " + error;
    ++counters_.errors;
    wakeIfHealthChanged(before);
}

void FeedShared::countEvent() {
    std::lock_guard lock(mutex_);
    ++counters_.events;
}

void FeedShared::countRelist() {
    std::lock_guard lock(mutex_);
    ++counters_.relists;
}

void FeedShared::countWatchRestart() {
    std::lock_guard lock(mutex_);
    ++counters_.watchRestarts;
}

FeedHealth FeedShared::health() const {
    std::lock_guard lock(mutex_);
    return summaryLocked();
}

}  // namespace nodeplane::kube
