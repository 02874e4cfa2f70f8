// ClusterFeed against np-test-apiserver on 127.0.0.1, over TLS with the
// credentials a kubeconfig gives: list, watch, 410 relist, faults, auth
// failures, and a prompt stop. No root needed.
#include <CppUTest/TestHarness.h>

#include <poll.h>

#include <chrono>
#include <functional>
#include <memory>

#include "kube/cluster_feed.h"
#include "kube/credentials.h"
#include "test_apiserver.h"

using namespace std::chrono_literals;
using namespace nodeplane;
using kube::ClusterFeed;
using kube::FeedState;
using kube::test::TestApiServer;

namespace {

const char* kSeed = R"({"apiVersion":"v1","kind":"List","items":[
 {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}},
 {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a"},
  "spec":{"podCIDRs":["10.244.1.0/24"]},"status":{"addresses":[{"type":"InternalIP","address":"192.168.0.10"}]}},
 {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"shop"},
  "spec":{"clusterIP":"10.96.0.10","clusterIPs":["10.96.0.10"],"ports":[{"port":80,"targetPort":8080}]}},
 {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
  "metadata":{"name":"web-abc","namespace":"shop","labels":{"kubernetes.io/service-name":"web"}},
  "addressType":"IPv4","ports":[{"port":8080}],"endpoints":[{"addresses":["10.244.1.5"]}]},
 {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","labels":{"app":"web"}},
  "spec":{"nodeName":"node-a","containers":[{"name":"c"}]},
  "status":{"phase":"Running","podIP":"10.244.1.5","podIPs":[{"ip":"10.244.1.5"}]}},
 {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"shop"},
  "spec":{"podSelector":{}}}
]})";

std::string service(const std::string& name, int port) {
    return R"({"apiVersion":"v1","kind":"Service","metadata":{"name":")" + name +
           R"(","namespace":"shop"},"spec":{"clusterIP":"10.96.0.11","clusterIPs":["10.96.0.11"],"ports":[{"port":)" +
           std::to_string(port) + "}]}}";
}

bool hasService(const state::Model& model, const std::string& name, int port) {
    for (const auto& s : model.services)
        if (s.name == name && !s.ports.empty() && s.ports[0].port == port) return true;
    return false;
}

// What the daemon sees: the latest state and the sum of changes since the watcher began.
struct Observer {
    ClusterFeed& feed;
    FeedState last;
    state::SnapshotChanges sum;

    // Waits on the notify fd until `done` holds (checked on every wake and at the end).
    bool waitUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
        auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            FeedState next = feed.take();
            sum.add(next.changes);
            last = std::move(next);
            if (done()) return true;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return false;
            pollfd p{feed.notifyFd(), POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(std::min<long>(left.count(), 200)));
            feed.clearNotification();
        }
    }
};

}  // namespace

TEST_GROUP(ClusterFeed) {
    std::unique_ptr<TestApiServer> server;

    void setup() override {
        server = std::make_unique<TestApiServer>();
    }
    void teardown() override {
        server.reset();
    }

    kube::FeedOptions options(const std::string& kubeconfig) {
        auto credentials = kube::loadKubeconfig(server->file(kubeconfig));
        CHECK_TRUE_TEXT(credentials.ok(), credentials.ok() ? "" : credentials.error().message.c_str());
        kube::FeedOptions o;
        o.credentials = *credentials;
        o.nodeName = "node-a";
        o.backoffInitial = 50ms;
        o.backoffMax = 300ms;
        o.watchTimeout = 30s;
        o.requestTimeout = 5s;
        o.listPageSize = 2;  // several pages even for this small cluster
        return o;
    }

    std::unique_ptr<ClusterFeed> start(const std::string& kubeconfig) {
        auto feed = ClusterFeed::start(options(kubeconfig));
        CHECK_TRUE_TEXT(feed.ok(), feed.ok() ? "" : feed.error().message.c_str());
        return std::move(*feed);
    }
};

TEST(ClusterFeed, ListsEveryKindThenFollowsWatchEvents) {
    LONGS_EQUAL(200, server->control("/objects", kSeed));
    auto feed = start("kubeconfig-cert");
    Observer o{*feed, {}, {}};
    CHECK_TRUE_TEXT(o.waitUntil([&] { return feed->health().synced; }), feed->health().lastError.c_str());
    CHECK_TRUE(o.sum.everything);
    const auto& m = o.last.model;
    STRCMP_EQUAL("node-a", m.node.c_str());
    LONGS_EQUAL(1, m.nodes.size());
    LONGS_EQUAL(1, m.namespaces.size());
    LONGS_EQUAL(1, m.pods.size());
    LONGS_EQUAL(1, m.endpointSlices.size());
    LONGS_EQUAL(1, m.networkPolicies.size());
    CHECK_TRUE(hasService(m, "web", 80));
    CHECK_TRUE(o.last.errors.empty());
    CHECK_TRUE(feed->health().connected);

    o.sum = {};
    LONGS_EQUAL(200, server->control("/objects", service("api", 81)));
    CHECK_TRUE(o.waitUntil([&] { return hasService(o.last.model, "api", 81); }));
    CHECK_TRUE((std::set<state::ObjectKey>{{"shop", "api"}}) == o.sum.services);
    CHECK_FALSE(o.sum.everything || o.sum.pods);

    LONGS_EQUAL(200, server->control("/objects/delete", service("api", 81)));
    CHECK_TRUE(o.waitUntil([&] { return !hasService(o.last.model, "api", 81); }));
    CHECK_TRUE(feed->health().events >= 2);
}

TEST(ClusterFeed, PodStatusChurnDoesNotWakeTheDaemon) {
    LONGS_EQUAL(200, server->control("/objects", kSeed));
    auto feed = start("kubeconfig-token");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced; }));
    auto eventsBefore = feed->health().events;
    // The same pod with only a condition changed: an event, but no change in the model.
    LONGS_EQUAL(200, server->control("/objects", R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1",
      "namespace":"shop","labels":{"app":"web"}},"spec":{"nodeName":"node-a","containers":[{"name":"c"}]},
      "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"podIP":"10.244.1.5",
      "podIPs":[{"ip":"10.244.1.5"}]}})"));
    CHECK_TRUE(o.waitUntil([&] { return feed->health().events > eventsBefore; }));
    feed->clearNotification();
    pollfd p{feed->notifyFd(), POLLIN, 0};
    LONGS_EQUAL(0, ::poll(&p, 1, 300));
    CHECK_TRUE(feed->take().changes.empty());
}

TEST(ClusterFeed, GoneWatchRelistsAndCatchesUp) {
    LONGS_EQUAL(200, server->control("/objects", kSeed));
    auto feed = start("kubeconfig-tokenfile");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced; }));
    // Writes, then history compacted and every watch closed: resuming from
    // the old resourceVersion gets 410, and only a relist sees the writes.
    LONGS_EQUAL(200, server->control("/objects", service("late", 82)));
    LONGS_EQUAL(200, server->control("/compact"));
    LONGS_EQUAL(200, server->control("/watches/close"));
    CHECK_TRUE_TEXT(o.waitUntil([&] { return hasService(o.last.model, "late", 82) && feed->health().relists > 0; }),
                    server->log().c_str());
    CHECK_TRUE(hasService(o.last.model, "web", 80));
}

TEST(ClusterFeed, ServerErrorsAreReportedThenRecovered) {
    LONGS_EQUAL(200, server->control("/objects", kSeed));
    LONGS_EQUAL(200, server->control("/faults", R"({"type":"error","code":500,"path":"/api/v1/services"})"));
    auto feed = start("kubeconfig-cert");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().errors >= 2; }));
    auto h = feed->health();
    CHECK_FALSE(h.synced);
    CHECK_FALSE(h.connected);
    STRCMP_CONTAINS("Services: list: HTTP 500", h.lastError.c_str());
    LONGS_EQUAL(200, server->control("/faults", "", "DELETE"));
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced && feed->health().connected; }));
    STRCMP_EQUAL("", feed->health().lastError.c_str());
    CHECK_TRUE(hasService(o.last.model, "web", 80));
}

TEST(ClusterFeed, GarbageListIsAnErrorNotAnEmptyKind) {
    LONGS_EQUAL(200, server->control("/objects", kSeed));
    auto feed = start("kubeconfig-cert");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced; }));
    // The next Services watch is answered 410 (HTTP, not an event), so the
    // watcher relists, and every list gets garbage.
    LONGS_EQUAL(200, server->control("/faults", R"([{"type":"error","code":410,"count":1,"path":"/api/v1/services?watch"},
                                                    {"type":"garbage","path":"/api/v1/services?limit"}])"));
    LONGS_EQUAL(200, server->control("/watches/close"));
    CHECK_TRUE(o.waitUntil([&] { return !feed->health().connected; }));
    STRCMP_CONTAINS("Services: list: not a list", feed->health().lastError.c_str());
    o.waitUntil([] { return false; }, 300ms);
    CHECK_TRUE(feed->health().relists >= 1);
    CHECK_TRUE(hasService(o.last.model, "web", 80));  // the last good state stays
}

TEST(ClusterFeed, ExpiredTokenIsReportedNamingTheCredentials) {
    auto feed = start("kubeconfig-token");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced; }));
    kube::Credentials tokenOnly;
    tokenOnly.tokenFile = server->file("token");
    std::string token = kube::currentToken(tokenOnly).value();
    LONGS_EQUAL(200, server->control("/tokens/expire", R"({"token":")" + token + R"("})"));
    LONGS_EQUAL(200, server->control("/watches/close"));
    CHECK_TRUE(o.waitUntil([&] { return !feed->health().connected; }));
    STRCMP_CONTAINS("HTTP 401", feed->health().lastError.c_str());
    STRCMP_CONTAINS("(credentials from kubeconfig ", feed->health().lastError.c_str());
}

TEST(ClusterFeed, WrongCaIsRefused) {
    auto feed = start("kubeconfig-wrong-ca");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().errors >= 1; }));
    CHECK_FALSE(feed->health().synced);
    STRCMP_CONTAINS("SSL", feed->health().lastError.c_str());
}

TEST(ClusterFeed, StopsPromptlyMidWatchAndMidHang) {
    auto feed = start("kubeconfig-cert");
    Observer o{*feed, {}, {}};
    CHECK_TRUE(o.waitUntil([&] { return feed->health().synced; }));
    LONGS_EQUAL(200, server->control("/faults", R"({"type":"hang","seconds":30})"));
    LONGS_EQUAL(200, server->control("/watches/close"));
    o.waitUntil([] { return false; }, 300ms);  // some watchers are now waiting on a hung request
    auto begin = std::chrono::steady_clock::now();
    feed.reset();
    auto took = std::chrono::steady_clock::now() - begin;
    CHECK_TRUE_TEXT(took < 1s, ("stop took " + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) + " ms").c_str());
}
