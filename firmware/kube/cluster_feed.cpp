#include "kube/cluster_feed.h"

#include <cstdint>
#include <random>

#include "kube/feed_shared.h"
#include "kube/http_client.h"
#include "kube/kind_watcher.h"
#include "kube/server_url.h"

namespace nodeplane::kube {

ClusterFeed::ClusterFeed() = default;

Result<std::unique_ptr<ClusterFeed>> ClusterFeed::start(FeedOptions options) {
    auto server = normalizeServerUrl(options.credentials.server);
    if (!server) return server.error();
    options.credentials.server = *server;
    if (options.listPageSize == 0) return Error::logical("listPageSize must be at least 1");
    initCurlOnce();

    std::unique_ptr<ClusterFeed> feed(new ClusterFeed());
    feed->options_ = std::make_unique<FeedOptions>(std::move(options));
    feed->shared_ = std::make_unique<FeedShared>(feed->options_->nodeName);
    if (auto opened = feed->shared_->open(); !opened) return opened.error();
    std::random_device seeds;
    for (const auto& kind : kKinds)
        feed->watchers_.push_back(std::make_unique<KindWatcher>(
            kind, *feed->options_, *feed->shared_, (std::uint64_t{seeds()} << 32) | seeds()));
    return feed;
}

ClusterFeed::~ClusterFeed() {
    if (shared_) shared_->requestStop();
    watchers_.clear();  // joins each thread
}

int ClusterFeed::notifyFd() const {
    return shared_->notifyFd();
}

void ClusterFeed::clearNotification() {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = ::read(shared_->notifyFd(), &count, sizeof count);
}

FeedHealth ClusterFeed::health() const {
    return shared_->health();
}

FeedState ClusterFeed::take() {
    return shared_->take();
}

void ClusterFeed::refresh(FeedState& state, bool all) {
    shared_->refresh(state, all);
}

}  // namespace nodeplane::kube
