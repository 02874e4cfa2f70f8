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
    LONGS_EQUAL(2, maps.frontends.size());
    CHECK(maps.frontends.contains(FrontendKey{ip("192.168.50.2"), 30080, L4Protocol::Tcp, ServiceScope::Internal}));
    CHECK(maps.frontends.contains(FrontendKey{ip("10.0.0.2"), 30080, L4Protocol::Tcp, ServiceScope::Internal}));
}
