// ClusterFeed without an API server: what start() refuses, and a server that
// cannot be reached (a closed port on loopback) reported without a hang.
#include <CppUTest/TestHarness.h>

#include <poll.h>

#include <chrono>

#include "kube/cluster_feed.h"

using namespace std::chrono_literals;
using nodeplane::kube::ClusterFeed;
using nodeplane::kube::FeedOptions;

namespace {

FeedOptions unreachable() {
    FeedOptions o;
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    o.credentials.server = "https://127.0.0.1:1/";
    o.credentials.describe = "test";
    o.nodeName = "n1";
    o.backoffInitial = 20ms;
    o.backoffMax = 100ms;
    o.requestTimeout = 2s;
    return o;
}

}  // namespace

TEST_GROUP(ClusterFeedOptions){};

TEST(ClusterFeedOptions, PlainHttpIsRefused) {
    FeedOptions o = unreachable();
    o.credentials.server = "http://127.0.0.1:8080";
    auto feed = ClusterFeed::start(o);
    CHECK_FALSE(feed.ok());
    STRCMP_CONTAINS("is not an https:// URL", feed.error().message.c_str());
}

TEST(ClusterFeedOptions, ZeroPageSizeIsRefused) {
    FeedOptions o = unreachable();
    o.listPageSize = 0;
    CHECK_FALSE(ClusterFeed::start(o).ok());
}

TEST(ClusterFeedOptions, UnreachableServerIsReportedAndStopIsPrompt) {
    auto feed = ClusterFeed::start(unreachable());
    CHECK_TRUE(feed.ok());
    auto& f = **feed;
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (f.health().errors < 12 && std::chrono::steady_clock::now() < deadline) {
        pollfd p{f.notifyFd(), POLLIN, 0};
        ::poll(&p, 1, 50);
        f.clearNotification();
    }
    auto h = f.health();
    CHECK_TRUE(h.errors >= 12);  // every kind retried at least once
    CHECK_FALSE(h.synced);
    CHECK_FALSE(h.connected);
    STRCMP_CONTAINS(": list: ", h.lastError.c_str());
    STRCMP_CONTAINS("onnect", h.lastError.c_str());
    // Nothing was listed: the model is empty, and the first take is still `everything`.
    auto state = f.take();
    CHECK_TRUE(state.changes.everything);
    CHECK_TRUE(state.model.services.empty());
    STRCMP_EQUAL("n1", state.model.node.c_str());
    auto begin = std::chrono::steady_clock::now();
    feed.value().reset();
    CHECK_TRUE(std::chrono::steady_clock::now() - begin < 1s);
}
