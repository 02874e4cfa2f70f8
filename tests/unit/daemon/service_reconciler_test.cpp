#include <map>
#include <memory>
#include <set>

#include <CppUTest/TestHarness.h>

#include "daemon/service_reconciler.h"

using namespace nodeplane;
using namespace nodeplane::daemon;
using namespace nodeplane::datapath;

namespace {

IpAddress ip(const char* text) { return *IpAddress::parse(text); }

struct FakeServices : ServiceTable {
    std::map<FrontendKey, FrontendValue> frontends;
    std::map<std::uint32_t, std::vector<BackendId>> sets;
    int flips = 0;
    Result<std::map<FrontendKey, FrontendEntry>> list() const override {
        std::map<FrontendKey, FrontendEntry> out;
        for (const auto& [k, v] : frontends) {
            auto it = sets.find(v.serviceId);
            out[k] = FrontendEntry{v, it == sets.end() ? 0u : static_cast<std::uint32_t>(it->second.size()), 0};
        }
        return out;
    }
    Status upsert(const FrontendKey& k, const FrontendValue& v) override {
        frontends[k] = v;
        return {};
    }
    Status erase(const FrontendKey& k) override {
        frontends.erase(k);
        return {};
    }
    Status replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& s) override {
        for (const auto& [id, set] : s) sets[id] = set;
        flips += static_cast<int>(s.size());
        return {};
    }
    Result<std::vector<BackendId>> backendSet(std::uint32_t id) const override {
        auto it = sets.find(id);
        return it == sets.end() ? std::vector<BackendId>{} : it->second;
    }
    Status eraseBackendSet(std::uint32_t id) override {
        sets.erase(id);
        return {};
    }
};

template <typename V>
struct FakeIdTable {
    std::map<std::uint32_t, V> entries;
    int writes = 0;
};

struct FakeBackends : BackendTable, FakeIdTable<Backend> {
    Result<std::map<BackendId, Backend>> list() const override { return entries; }
    Status upsert(BackendId id, const Backend& b) override {
        ++writes;
        entries[id] = b;
        return {};
    }
    Status erase(BackendId id) override {
        entries.erase(id);
        return {};
    }
};

struct FakeRevNat : RevNatTable, FakeIdTable<RevNatTarget> {
    Result<std::map<std::uint32_t, RevNatTarget>> list() const override { return entries; }
    Status upsert(std::uint32_t id, const RevNatTarget& t) override {
        ++writes;
        entries[id] = t;
        return {};
    }
    Status erase(std::uint32_t id) override {
        entries.erase(id);
        return {};
    }
};

struct FakeRanges : SourceRangeTable {
    std::set<SourceRange> entries;
    Result<std::set<SourceRange>> list() const override { return entries; }
    Status insert(std::uint32_t id, const IpPrefix& p) override {
        entries.insert({id, p});
        return {};
    }
    Status erase(std::uint32_t id, const IpPrefix& p) override {
        entries.erase({id, p});
        return {};
    }
};

struct FakeConntrack : ConntrackTable {
    std::vector<BackendId> erasedBackends;
    Result<std::vector<ConntrackEntry>> list() const override { return std::vector<ConntrackEntry>{}; }
    Status forEach(const Visitor&) const override { return {}; }
    Result<std::optional<ConntrackEntry>> lookup(const ConntrackKey&) const override {
        return std::optional<ConntrackEntry>{};
    }
    Result<bool> erase(const ConntrackKey&) override { return false; }
    Result<std::uint32_t> capacity() const override { return 0u; }
    Result<std::size_t> flush() override { return std::size_t{0}; }
    Result<std::size_t> eraseByBackend(BackendId id) override {
        erasedBackends.push_back(id);
        return std::size_t{1};
    }
};

// One ClusterIP service 10.96.0.10:80 with the given backends (port 8080).
compiler::DesiredServices clusterIpService(std::vector<const char*> backends) {
    compiler::DesiredServices d;
    compiler::ServicePortBackends port;
    port.service = "x/web";
    port.portName = "http";
    port.port = 80;
    for (const auto* b : backends) {
        compiler::ServiceBackend sb;
        sb.ip = ip(b);
        sb.port = 8080;
        sb.ready = sb.serving = true;
        port.endpoints.cluster.push_back(sb);
    }
    port.endpoints.hasAnyEndpoints = !backends.empty();
    d.ports.push_back(port);
    compiler::Frontend f;
    f.address = ip("10.96.0.10");
    f.port = 80;
    f.fromPod.verdict = backends.empty() ? compiler::FlowVerdict::Reject : compiler::FlowVerdict::Forward;
    d.frontends.push_back(f);
    return d;
}

}  // namespace

TEST_GROUP(ServiceReconciler) {
    FakeServices services;
    FakeBackends backends;
    FakeRevNat revNat;
    FakeRanges ranges;
    FakeConntrack conntrack;
    ServiceIds ids;
    std::unique_ptr<ServiceReconciler> reconciler;

    void setup() override {
        reconciler = std::make_unique<ServiceReconciler>(ServiceTables{services, backends, revNat, ranges, conntrack});
    }
    ServiceReconcileReport apply(const compiler::DesiredServices& d) {
        auto r = reconciler->apply(planServiceMaps(d, {}, ids));
        CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message.c_str());
        return *r;
    }
};

TEST(ServiceReconciler, ProgramsAFrontendItsSetBackendsAndReverseNat) {
    apply(clusterIpService({"10.200.1.11", "10.200.1.12"}));
    LONGS_EQUAL(1, services.frontends.size());
    const auto& [key, value] = *services.frontends.begin();
    STRCMP_EQUAL("10.96.0.10", key.address.toString().c_str());
    CHECK(key.scope == ServiceScope::Internal);
    LONGS_EQUAL(2, services.sets.at(value.serviceId).size());
    LONGS_EQUAL(2, backends.entries.size());
    CHECK(revNat.entries.at(value.revNatId) == (RevNatTarget{ip("10.96.0.10"), 80}));
    CHECK_FALSE(value.flags.rejectWithoutBackend);
}

TEST(ServiceReconciler, TheSameStateTwiceWritesNothing) {
    auto d = clusterIpService({"10.200.1.11"});
    apply(d);
    auto report = apply(d);
    LONGS_EQUAL(0, report.writes);
    LONGS_EQUAL(0, report.removals);
}

TEST(ServiceReconciler, ARemovedBackendGoesWithItsFlowsAndKeepsTheOthersIds) {
    apply(clusterIpService({"10.200.1.11", "10.200.1.12"}));
    std::map<std::string, BackendId> before;
    for (const auto& [id, b] : backends.entries) before[b.address.toString()] = id;
    int flips = services.flips;
    auto report = apply(clusterIpService({"10.200.1.11"}));
    LONGS_EQUAL(flips + 1, services.flips);  // one atomic set change
    LONGS_EQUAL(1, backends.entries.size());
    LONGS_EQUAL(before["10.200.1.11"], backends.entries.begin()->first);
    LONGS_EQUAL(1, conntrack.erasedBackends.size());
    LONGS_EQUAL(before["10.200.1.12"], conntrack.erasedBackends[0]);
    LONGS_EQUAL(1, report.flowsCut);
}

TEST(ServiceReconciler, NoEndpointsRejectsWithAnEmptySet) {
    apply(clusterIpService({"10.200.1.11"}));
    apply(clusterIpService({}));
    const auto& value = services.frontends.begin()->second;
    CHECK(value.flags.rejectWithoutBackend);
    CHECK(services.sets.at(value.serviceId).empty());
    CHECK(backends.entries.empty());
}

TEST(ServiceReconciler, ARemovedServiceLeavesNothingBehind) {
    apply(clusterIpService({"10.200.1.11"}));
    apply(compiler::DesiredServices{});
    CHECK(services.frontends.empty());
    CHECK(services.sets.empty());
    CHECK(backends.entries.empty());
    CHECK(revNat.entries.empty());
}

TEST(ServiceReconciler, ARestartedDaemonKeepsBackendAndReverseNatIds) {
    apply(clusterIpService({"10.200.1.11"}));
    auto backendIds = backends.entries;
    auto revNatIds = revNat.entries;
    ServiceIds fresh;
    CHECK(reconciler->adopt(fresh).ok());
    auto r = reconciler->apply(planServiceMaps(clusterIpService({"10.200.1.11"}), {}, fresh));
    CHECK(r.ok());
    CHECK(backendIds == backends.entries);
    CHECK(revNatIds == revNat.entries);
    LONGS_EQUAL(1, backends.writes);  // written once, by the first daemon
}

TEST(ServiceReconciler, NodePortsAnswerOnEveryNodeAddressOfTheirFamily) {
    auto d = clusterIpService({"10.200.1.11"});
    d.frontends[0].kind = compiler::FrontendKind::NodePort;
    d.frontends[0].address = ip("0.0.0.0");
    d.frontends[0].port = 30080;
    auto maps = planServiceMaps(d, {ip("192.168.50.2"), ip("10.0.0.2"), ip("fd00::2")}, ids);
    LONGS_EQUAL(4, maps.frontends.size());  // internal and external on each IPv4 address
    for (const char* address : {"192.168.50.2", "10.0.0.2"})
        for (auto scope : {ServiceScope::Internal, ServiceScope::External})
            CHECK(maps.frontends.contains(FrontendKey{ip(address), 30080, L4Protocol::Tcp, scope}));
}

// A ClusterIP answers pods only; its external twin would make it reachable
// from outside the cluster.
TEST(ServiceReconciler, AClusterIpHasNoExternalFrontend) {
    auto maps = planServiceMaps(clusterIpService({"10.200.1.11"}), {ip("192.168.50.2")}, ids);
    LONGS_EQUAL(1, maps.frontends.size());
    CHECK(maps.frontends.begin()->first.scope == ServiceScope::Internal);
}

// externalTrafficPolicy Local: outside clients get the local endpoints only,
// unmasqueraded; pods keep the whole Cluster set. Cluster: outside clients
// share the pods' set and are masqueraded (towards remote endpoints).
TEST(ServiceReconciler, ExternalFrontendsTakeTheExternalRule) {
    auto d = clusterIpService({"10.200.1.11", "10.200.2.20"});
    d.ports[0].endpoints.local.push_back(d.ports[0].endpoints.cluster[0]);
    d.ports[0].endpoints.local[0].local = true;
    auto& f = d.frontends[0];
    f.kind = compiler::FrontendKind::LoadBalancer;
    f.address = ip("198.51.100.10");
    f.fromExternal = {compiler::FlowVerdict::Forward, compiler::BackendSet::Local, false};

    auto maps = planServiceMaps(d, {}, ids);
    const auto& internal = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::Internal});
    const auto& external = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::External});
    LONGS_EQUAL(2, maps.backendSets.at(internal.serviceId).size());
    LONGS_EQUAL(1, maps.backendSets.at(external.serviceId).size());
    CHECK(maps.backends.at(maps.backendSets.at(external.serviceId)[0]).local);
    CHECK_FALSE(external.flags.masquerade);
    LONGS_EQUAL(internal.revNatId, external.revNatId);  // one frontend address, one reverse NAT

    f.fromExternal = {compiler::FlowVerdict::Forward, compiler::BackendSet::Cluster, true};
    maps = planServiceMaps(d, {}, ids);
    const auto& internal2 = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::Internal});
    const auto& external2 = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::External});
    LONGS_EQUAL(internal2.serviceId, external2.serviceId);
    CHECK(external2.flags.masquerade);
    CHECK_FALSE(internal2.flags.masquerade);

    // No local endpoint under Local: the external frontend drops (empty
    // set, no reject), while pods still reach the remote one.
    f.fromExternal = {compiler::FlowVerdict::Drop, compiler::BackendSet::Local, false};
    maps = planServiceMaps(d, {}, ids);
    const auto& dropping = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::External});
    CHECK(maps.backendSets.at(dropping.serviceId).empty());
    CHECK_FALSE(dropping.flags.rejectWithoutBackend);
}
