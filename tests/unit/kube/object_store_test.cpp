#include <CppUTest/TestHarness.h>

#include "k8sjson/k8sjson.h"
#include "kube/object_store.h"

using namespace nodeplane;
using kube::Kind;
using kube::ObjectStore;

namespace {

state::Service service(const std::string& ns, const std::string& name, std::uint16_t port) {
    state::Service s;
    s.namespace_ = ns;
    s.name = name;
    s.clusterIPs = {*IpAddress::parse("10.96.0.10")};
    state::ServicePort p;
    p.port = port;
    s.ports = {p};
    s.where.file = kube::kSourceName;
    return s;
}

state::EndpointSlice slice(const std::string& ns, const std::string& name, const std::string& service,
                           const std::string& ip) {
    state::EndpointSlice s;
    s.namespace_ = ns;
    s.name = name;
    s.service = service;
    state::Endpoint e;
    e.addresses = {*IpAddress::parse(ip)};
    s.endpoints = {e};
    s.where.file = kube::kSourceName;
    return s;
}

k8sjson::Parsed services(std::vector<state::Service> list) {
    k8sjson::Parsed p;
    p.objects.services = std::move(list);
    return p;
}

k8sjson::Parsed slices(std::vector<state::EndpointSlice> list) {
    k8sjson::Parsed p;
    p.objects.endpointSlices = std::move(list);
    return p;
}

using Keys = std::set<state::ObjectKey>;

// A pod as the API server sends it; `phase` and `ready` are status fields the
// model does not read, `ip` is one it does.
std::string podJson(const std::string& phase, const std::string& ready, const std::string& ip) {
    return R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-1","namespace":"shop","resourceVersion":"9",
              "labels":{"app":"web"}},"spec":{"nodeName":"n1","containers":[{"name":"c","ports":[{"containerPort":8080}]}]},
              "status":{"phase":")" +
           phase + R"(","conditions":[{"type":"Ready","status":")" + ready + R"("}],"podIP":")" + ip +
           R"(","podIPs":[{"ip":")" + ip + R"("}]}})";
}

}  // namespace

TEST_GROUP(ObjectStore) {
    ObjectStore store{"n1"};
};

TEST(ObjectStore, FirstTakeIsEverythingSortedByNamespaceAndName) {
    CHECK_TRUE(store.replace(Kind::Service, services({service("shop", "web", 80), service("a", "z", 81),
                                                      service("shop", "api", 82)})));
    auto state = store.take();
    CHECK_TRUE(state.changes.everything);
    STRCMP_EQUAL("n1", state.model.node.c_str());
    LONGS_EQUAL(3, state.model.services.size());
    STRCMP_EQUAL("a/z", (state.model.services[0].namespace_ + "/" + state.model.services[0].name).c_str());
    STRCMP_EQUAL("shop/api", (state.model.services[1].namespace_ + "/" + state.model.services[1].name).c_str());
    STRCMP_EQUAL("shop/web", (state.model.services[2].namespace_ + "/" + state.model.services[2].name).c_str());
    auto again = store.take();
    CHECK_FALSE(again.changes.everything);
    CHECK_TRUE(again.changes.empty());
    CHECK_TRUE(again.model == state.model);
}

TEST(ObjectStore, RelistRemovesMissingAndNamesOnlyWhatDiffers) {
    (void)store.replace(Kind::Service, services({service("shop", "web", 80), service("shop", "api", 81),
                                                 service("shop", "old", 82)}));
    (void)store.take();
    // api unchanged, web changed, old gone, new added.
    CHECK_TRUE(store.replace(Kind::Service, services({service("shop", "api", 81), service("shop", "web", 8080),
                                                      service("shop", "new", 83)})));
    auto state = store.take();
    CHECK_FALSE(state.changes.everything);
    CHECK_TRUE((Keys{{"shop", "web"}, {"shop", "old"}, {"shop", "new"}}) == state.changes.services);
    CHECK_FALSE(state.changes.pods || state.changes.nodes || state.changes.networkPolicies);
    LONGS_EQUAL(3, state.model.services.size());
    for (const auto& s : state.model.services) CHECK_TRUE(s.name != "old");
}

TEST(ObjectStore, EqualRelistIsNoChange) {
    (void)store.replace(Kind::Service, services({service("shop", "web", 80)}));
    (void)store.take();
    CHECK_FALSE(store.replace(Kind::Service, services({service("shop", "web", 80)})));
    CHECK_TRUE(store.take().changes.empty());
}

TEST(ObjectStore, SliceChangesNameTheirServiceOnBothSidesOfAMove) {
    (void)store.replace(Kind::EndpointSlice, slices({slice("shop", "web-abc", "web", "10.0.0.1")}));
    (void)store.take();
    CHECK_TRUE(store.put(Kind::EndpointSlice, {"shop", "web-abc"}, slices({slice("shop", "web-abc", "api", "10.0.0.1")})));
    auto state = store.take();
    CHECK_TRUE((Keys{{"shop", "web"}, {"shop", "api"}}) == state.changes.endpointSlicesOf);
    CHECK_TRUE(state.changes.services.empty());
}

TEST(ObjectStore, PutAddsChangesAndIgnoresEqualObjects) {
    CHECK_TRUE(store.put(Kind::Service, {"shop", "web"}, services({service("shop", "web", 80)})));
    (void)store.take();
    CHECK_FALSE(store.put(Kind::Service, {"shop", "web"}, services({service("shop", "web", 80)})));
    CHECK_TRUE(store.take().changes.empty());
    CHECK_TRUE(store.put(Kind::Service, {"shop", "web"}, services({service("shop", "web", 443)})));
    auto state = store.take();
    CHECK_TRUE((Keys{{"shop", "web"}}) == state.changes.services);
    LONGS_EQUAL(443, state.model.services.at(0).ports.at(0).port);
}

TEST(ObjectStore, RemoveDeletesAndNamesTheService) {
    (void)store.replace(Kind::Service, services({service("shop", "web", 80), service("shop", "api", 81)}));
    (void)store.take();
    CHECK_FALSE(store.remove(Kind::Service, {"shop", "absent"}));
    CHECK_TRUE(store.remove(Kind::Service, {"shop", "web"}));
    auto state = store.take();
    CHECK_TRUE((Keys{{"shop", "web"}}) == state.changes.services);
    LONGS_EQUAL(1, state.model.services.size());
    STRCMP_EQUAL("api", state.model.services[0].name.c_str());
}

TEST(ObjectStore, ObjectThatFailsToDecodeIsRemovedAndItsErrorKeptUntilFixed) {
    (void)store.put(Kind::Service, {"shop", "web"}, services({service("shop", "web", 80)}));
    (void)store.take();
    k8sjson::Parsed bad;
    bad.errors.push_back(InputError{"kubernetes", 0, 0, "Service shop/web", "spec.ports[0].port", "70000 is out of range"});
    CHECK_TRUE(store.put(Kind::Service, {"shop", "web"}, bad));
    auto state = store.take();
    LONGS_EQUAL(0, state.model.services.size());
    LONGS_EQUAL(1, state.errors.size());
    STRCMP_EQUAL("kubernetes: Service shop/web: key 'spec.ports[0].port': 70000 is out of range",
                 state.errors[0].toString().c_str());
    CHECK_TRUE((Keys{{"shop", "web"}}) == state.changes.services);
    // The same error again is no change; the fixed object clears it.
    CHECK_FALSE(store.put(Kind::Service, {"shop", "web"}, bad));
    CHECK_TRUE(store.put(Kind::Service, {"shop", "web"}, services({service("shop", "web", 80)})));
    state = store.take();
    CHECK_TRUE(state.errors.empty());
    LONGS_EQUAL(1, state.model.services.size());
}

TEST(ObjectStore, RelistReplacesErrorsOfItsKind) {
    k8sjson::Parsed withError = services({service("shop", "web", 80)});
    withError.errors.push_back(InputError{"kubernetes", 0, 0, "Service shop/bad", "items[1].spec.type", "unknown"});
    CHECK_TRUE(store.replace(Kind::Service, withError));
    LONGS_EQUAL(1, store.take().errors.size());
    CHECK_TRUE(store.replace(Kind::Service, services({service("shop", "web", 80)})));
    CHECK_TRUE(store.take().errors.empty());
}

TEST(ObjectStore, KindsDoNotTouchEachOther) {
    (void)store.replace(Kind::Service, services({service("shop", "web", 80)}));
    (void)store.take();
    CHECK_FALSE(store.replace(Kind::EndpointSlice, slices({})));
    auto state = store.take();
    CHECK_TRUE(state.changes.empty());
    LONGS_EQUAL(1, state.model.services.size());
}

// A decoded pod is compared, not its JSON: status churn the model does not
// read (phase, conditions) is no change; a new pod IP is.
TEST(ObjectStore, PodStatusChurnIsNoChange) {
    auto first = k8sjson::parseText(podJson("Pending", "False", "10.244.1.5"), kube::kSourceName);
    CHECK_TRUE_TEXT(first.ok(), first.ok() ? "" : first.errors[0].toString().c_str());
    CHECK_TRUE(store.put(Kind::Pod, {"shop", "web-1"}, first));
    (void)store.take();
    CHECK_FALSE(store.put(Kind::Pod, {"shop", "web-1"},
                          k8sjson::parseText(podJson("Running", "True", "10.244.1.5"), kube::kSourceName)));
    CHECK_TRUE(store.take().changes.empty());
    CHECK_TRUE(store.put(Kind::Pod, {"shop", "web-1"},
                         k8sjson::parseText(podJson("Running", "True", "10.244.1.6"), kube::kSourceName)));
    auto state = store.take();
    CHECK_TRUE(state.changes.pods);
    STRCMP_EQUAL("10.244.1.6", state.model.pods.at(0).podIPs.at(0).toString().c_str());
}

TEST(ObjectStore, RefreshCopiesOnlyKindsThatChangedUnlessAskedForAll) {
    ObjectStore store("n1");
    store.replace(Kind::Service, services({service("shop", "web", 80)}));
    store.replace(Kind::EndpointSlice, slices({slice("shop", "web-1", "web", "10.0.0.1")}));
    kube::FeedState kept;
    store.refresh(kept, false);
    CHECK_TRUE(kept.changes.everything);  // the first refresh copies everything
    LONGS_EQUAL(1, kept.model.services.size());

    // The caller edits its copy (as the daemon's repair does); a kind that did
    // not change in the store is not copied again, so the edit stays.
    kept.model.services.clear();
    store.put(Kind::EndpointSlice, {"shop", "web-1"}, slices({slice("shop", "web-1", "web", "10.0.0.2")}));
    store.refresh(kept, false);
    LONGS_EQUAL(0, kept.model.services.size());
    LONGS_EQUAL(1, kept.model.endpointSlices.size());
    STRCMP_EQUAL("10.0.0.2", kept.model.endpointSlices[0].endpoints[0].addresses[0].toString().c_str());
    CHECK_FALSE(kept.changes.everything);
    CHECK((kept.changes.endpointSlicesOf == Keys{{"shop", "web"}}));

    // With `all`, every kind is copied again and the edit is undone; nothing changed since.
    store.refresh(kept, true);
    LONGS_EQUAL(1, kept.model.services.size());
    CHECK_TRUE(kept.changes.empty());
}
