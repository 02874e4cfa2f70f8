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
    mutable int lists = 0;
    int failUpserts = 0;  // the next this many upserts fail as the kernel would
    Result<std::map<BackendId, Backend>> list() const override {
        ++lists;
        return entries;
    }
    Status upsert(BackendId id, const Backend& b) override {
        if (failUpserts > 0) {
            --failUpserts;
            return Error::fromErrno(E2BIG, "Failed to write backend " + std::to_string(id));
        }
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
    std::vector<ConntrackEntry> entries;  // what forEach() walks
    Result<std::vector<ConntrackEntry>> list() const override { return entries; }
    Status forEach(const Visitor& visit) const override {
        for (const auto& e : entries)
            if (auto st = visit(e); !st) return st;
        return {};
    }
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

// kube-proxy leaves a terminating endpoint's established connections alone:
// it leaves the set new connections choose from, its entry stays (same id),
// and only its removal from the slice cuts its flows. Across a restart too.
TEST(ServiceReconciler, ATerminatingBackendKeepsItsFlowsUntilItIsGone) {
    apply(clusterIpService({"10.200.1.11", "10.200.1.12"}));
    BackendId terminating = 0;
    for (const auto& [id, b] : backends.entries)
        if (b.address == ip("10.200.1.12")) terminating = id;
    CHECK(terminating != 0);

    auto d = clusterIpService({"10.200.1.11"});
    compiler::ServiceBackend held;
    held.ip = ip("10.200.1.12");
    held.port = 8080;
    held.serving = held.terminating = true;
    d.ports[0].endpoints.terminating = {held};
    auto report = apply(d);
    LONGS_EQUAL(0, report.flowsCut);
    CHECK(conntrack.erasedBackends.empty());
    LONGS_EQUAL(2, backends.entries.size());
    CHECK(backends.entries.at(terminating).terminating);
    const auto& set = services.sets.at(services.frontends.begin()->second.serviceId);
    LONGS_EQUAL(1, set.size());
    CHECK(set[0] != terminating);

    ServiceReconciler restarted(ServiceTables{services, backends, revNat, ranges, conntrack});
    ServiceIds fresh;
    CHECK(restarted.adopt(fresh).ok());
    auto r = restarted.apply(planServiceMaps(d, {}, fresh));
    CHECK(r.ok());
    LONGS_EQUAL(0, r->removals);
    CHECK(conntrack.erasedBackends.empty());
    CHECK(backends.entries.contains(terminating));

    r = restarted.apply(planServiceMaps(clusterIpService({"10.200.1.11"}), {}, fresh));
    CHECK(r.ok());
    LONGS_EQUAL(1, r->flowsCut);
    LONGS_EQUAL(1, conntrack.erasedBackends.size());
    LONGS_EQUAL(terminating, conntrack.erasedBackends[0]);
    CHECK_FALSE(backends.entries.contains(terminating));
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

TEST(ServiceReconciler, AdoptedBackendIdsSkipThoseConntrackStillNames) {
    // A backend map that starts empty (its layout changed) next to conntrack
    // entries of the previous daemon naming backend 41.
    ConntrackEntry old;
    old.backendId = 41;
    conntrack.entries.push_back(old);
    ServiceIds fresh;
    CHECK(reconciler->adopt(fresh).ok());
    auto r = reconciler->apply(planServiceMaps(clusterIpService({"10.200.1.11"}), {}, fresh));
    CHECK(r.ok());
    LONGS_EQUAL(1, backends.entries.size());
    CHECK(backends.entries.begin()->first > 41);
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

// What the maps hold is remembered: a change costs its own writes, not a
// read-back of every entry.
TEST(ServiceReconciler, OnlyTheFirstApplyReadsTheMapsBack) {
    auto first = apply(clusterIpService({"10.200.1.11"}));
    CHECK(first.readBack);
    int lists = backends.lists;
    auto second = apply(clusterIpService({"10.200.1.11", "10.200.1.12"}));
    CHECK_FALSE(second.readBack);
    LONGS_EQUAL(lists, backends.lists);
    LONGS_EQUAL(2, second.writes);  // the new backend and the set's flip
    LONGS_EQUAL(2, backends.entries.size());
}

// A write the kernel refused leaves the maps between two states: the next
// apply trusts the kernel, not memory, and finishes the job.
TEST(ServiceReconciler, AfterAFailedApplyTheNextReadsTheMapsBack) {
    apply(clusterIpService({"10.200.1.11"}));
    backends.failUpserts = 1;
    auto failed = reconciler->apply(planServiceMaps(clusterIpService({"10.200.1.11", "10.200.1.12"}), {}, ids));
    CHECK_FALSE(failed.ok());
    CHECK_FALSE(reconciler->applied().has_value());
    // Meanwhile something else dropped an entry; only a read-back sees it.
    revNat.entries.clear();
    auto retried = apply(clusterIpService({"10.200.1.11", "10.200.1.12"}));
    CHECK(retried.readBack);
    LONGS_EQUAL(2, backends.entries.size());
    LONGS_EQUAL(1, revNat.entries.size());
    const auto& value = services.frontends.begin()->second;
    LONGS_EQUAL(2, services.sets.at(value.serviceId).size());
    CHECK(reconciler->applied().has_value());
}

namespace {

// A LoadBalancer with eTP Local: pods use the Cluster set, outside clients
// the Local one; plus the ClusterIP's port-0 refusals, a NodePort and a
// source range: every kind of entry a restart must leave alone.
compiler::DesiredServices loadBalancerService(std::vector<const char*> backends) {
    auto d = clusterIpService(backends);
    d.ports[0].endpoints.local.push_back(d.ports[0].endpoints.cluster[0]);
    d.ports[0].endpoints.local[0].local = true;
    d.clusterIPs.push_back(ip("10.96.0.10"));
    compiler::Frontend lb = d.frontends[0];
    lb.kind = compiler::FrontendKind::LoadBalancer;
    lb.address = ip("198.51.100.10");
    lb.fromExternal = {compiler::FlowVerdict::Forward, compiler::BackendSet::Local, false};
    lb.restrictSources = true;
    lb.sourceRanges = {*IpPrefix::parse("203.0.113.0/24")};
    compiler::Frontend nodePort = lb;
    nodePort.kind = compiler::FrontendKind::NodePort;
    nodePort.address = ip("0.0.0.0");
    nodePort.port = 30080;
    nodePort.restrictSources = false;
    nodePort.sourceRanges.clear();
    d.frontends = {nodePort, d.frontends[0], lb};  // sorted by address
    return d;
}

}  // namespace

// A restarted daemon on the same state writes nothing: it keeps backend,
// reverse-NAT and backend set ids, so no frontend is re-pointed.
TEST(ServiceReconciler, ARestartOnTheSameStateWritesNothing) {
    const std::vector<IpAddress> nodeAddresses{ip("192.168.50.2")};
    auto d = loadBalancerService({"10.200.1.11", "10.200.2.20"});
    CHECK(reconciler->apply(planServiceMaps(d, nodeAddresses, ids)).ok());
    auto frontendsBefore = services.frontends;
    auto setsBefore = services.sets;
    int flips = services.flips;

    ServiceReconciler restarted(ServiceTables{services, backends, revNat, ranges, conntrack});
    ServiceIds fresh;
    CHECK(restarted.adopt(fresh).ok());
    auto r = restarted.apply(planServiceMaps(d, nodeAddresses, fresh));
    CHECK_TEXT(r.ok(), r.ok() ? "" : r.error().message.c_str());
    LONGS_EQUAL(0, r->writes);
    LONGS_EQUAL(0, r->removals);
    CHECK_FALSE(r->readBack);  // adopt() read them once
    LONGS_EQUAL(flips, services.flips);
    CHECK(frontendsBefore == services.frontends);
    CHECK(setsBefore == services.sets);
    LONGS_EQUAL(3, setsBefore.size());  // Cluster, Local and the port-0 refusals' empty set
}

// After a restart a changed endpoint list flips the set in place: the
// frontends keep pointing at the id they had.
TEST(ServiceReconciler, ARestartWithAChangeFlipsTheSetItHad) {
    CHECK(reconciler->apply(planServiceMaps(clusterIpService({"10.200.1.11"}), {}, ids)).ok());
    auto frontendsBefore = services.frontends;
    int flips = services.flips;

    ServiceReconciler restarted(ServiceTables{services, backends, revNat, ranges, conntrack});
    ServiceIds fresh;
    CHECK(restarted.adopt(fresh).ok());
    auto r = restarted.apply(planServiceMaps(clusterIpService({"10.200.1.11", "10.200.1.12"}), {}, fresh));
    CHECK(r.ok());
    CHECK(frontendsBefore == services.frontends);
    LONGS_EQUAL(flips + 1, services.flips);
    LONGS_EQUAL(2, r->writes);  // the new backend, the flip
    LONGS_EQUAL(0, r->removals);
    LONGS_EQUAL(2, services.sets.at(services.frontends.begin()->second.serviceId).size());
}

// Two sets that shared an id before the restart (pods and outside clients
// both used Cluster) cannot both keep it once the policy splits them.
TEST(ServiceReconciler, ARestartGivesAnAdoptedSetIdToOneSetOnly) {
    auto d = loadBalancerService({"10.200.1.11", "10.200.2.20"});
    for (auto& f : d.frontends)
        if (f.kind != compiler::FrontendKind::ClusterIP)
            f.fromExternal = {compiler::FlowVerdict::Forward, compiler::BackendSet::Cluster, true};
    CHECK(reconciler->apply(planServiceMaps(d, {}, ids)).ok());

    ServiceReconciler restarted(ServiceTables{services, backends, revNat, ranges, conntrack});
    ServiceIds fresh;
    CHECK(restarted.adopt(fresh).ok());
    auto split = loadBalancerService({"10.200.1.11", "10.200.2.20"});
    auto maps = planServiceMaps(split, {}, fresh);
    const auto& internal = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::Internal});
    const auto& external = maps.frontends.at({ip("198.51.100.10"), 80, L4Protocol::Tcp, ServiceScope::External});
    CHECK(internal.serviceId != external.serviceId);
    LONGS_EQUAL(2, maps.backendSets.at(internal.serviceId).size());
    LONGS_EQUAL(1, maps.backendSets.at(external.serviceId).size());
    CHECK(restarted.apply(std::move(maps)).ok());
}

namespace {

// x/web on 10.96.0.10 and x/api on 10.96.0.11, each with its backends.
compiler::DesiredServices twoServices(std::vector<const char*> web, std::vector<const char*> api) {
    auto d = clusterIpService(web);
    auto other = clusterIpService(api);
    other.ports[0].service = "x/api";
    other.frontends[0].address = ip("10.96.0.11");
    other.frontends[0].portIndex = 1;
    d.ports.push_back(other.ports[0]);
    d.frontends.push_back(other.frontends[0]);
    return d;
}

std::vector<BackendId> setOf(const ServiceMaps& maps, const char* address) {
    return maps.backendSets.at(maps.frontends.at({ip(address), 80, L4Protocol::Tcp, ServiceScope::Internal}).serviceId);
}

}  // namespace

// A backend two services list has one id, kept while either lists it; once
// none does its id is retired, not handed to the next backend.
TEST(ServiceReconciler, ABackendKeepsItsIdWhileAnySetListsIt) {
    auto maps = planServiceMaps(twoServices({"10.200.1.11", "10.200.1.12"}, {"10.200.1.11"}), {}, ids);
    const BackendId shared = setOf(maps, "10.96.0.11").at(0);
    LONGS_EQUAL(shared, setOf(maps, "10.96.0.10").at(0));
    LONGS_EQUAL(2, maps.backends.size());

    maps = planServiceMaps(twoServices({"10.200.1.12"}, {"10.200.1.11"}), {}, ids);
    LONGS_EQUAL(shared, setOf(maps, "10.96.0.11").at(0));
    CHECK(maps.backends.contains(shared));

    maps = planServiceMaps(twoServices({"10.200.1.12"}, {}), {}, ids);
    CHECK_FALSE(maps.backends.contains(shared));
    LONGS_EQUAL(1, maps.backends.size());

    maps = planServiceMaps(twoServices({"10.200.1.12"}, {"10.200.1.11"}), {}, ids);
    const BackendId again = setOf(maps, "10.96.0.11").at(0);
    CHECK(again != shared);
    CHECK(maps.backends.at(again) == (Backend{ip("10.200.1.11"), 8080, L4Protocol::Tcp, false, false}));
}

// Plans of the same state are equal, and a removed service's set is gone.
TEST(ServiceReconciler, PlansOfTheSameStateAreEqual) {
    auto d = twoServices({"10.200.1.11", "10.200.1.12"}, {"10.200.1.13"});
    auto first = planServiceMaps(d, {}, ids);
    CHECK(first == planServiceMaps(d, {}, ids));
    auto fewer = planServiceMaps(clusterIpService({"10.200.1.11", "10.200.1.12"}), {}, ids);
    LONGS_EQUAL(1, fewer.frontends.size());
    LONGS_EQUAL(2, fewer.backends.size());
    LONGS_EQUAL(1, fewer.backendSets.size());
    LONGS_EQUAL(1, ids.sets.size());
}

// A delta of the changed services: written in apply()'s order, remembered,
// and the maps end up as the whole plan would have left them.
TEST(ServiceReconciler, AChangeOfOneServiceWritesOnlyItsEntries) {
    auto d = loadBalancerService({"10.200.1.11", "10.200.1.12"});
    apply(d);
    const int backendWrites = backends.writes, revNatWrites = revNat.writes, flips = services.flips;
    const int lists = backends.lists;
    d.ports[0].endpoints.cluster.pop_back();
    auto delta = planServiceChanges(d, {}, {"x/web"}, *reconciler->applied(), ids);
    CHECK(delta.has_value());
    auto report = reconciler->applyChanges(*delta);
    CHECK(report.ok());
    LONGS_EQUAL(1, report->writes);    // the Cluster set's flip
    LONGS_EQUAL(1, report->removals);  // the backend only it listed
    LONGS_EQUAL(1, report->flowsCut);
    LONGS_EQUAL(flips + 1, services.flips);
    LONGS_EQUAL(backendWrites, backends.writes);
    LONGS_EQUAL(revNatWrites, revNat.writes);
    LONGS_EQUAL(lists, backends.lists);  // nothing read back
    // The kernel's tables and the remembered maps are the whole plan's.
    auto whole = planServiceMaps(d, {}, ids);
    CHECK(*reconciler->applied() == whole);
    CHECK(services.frontends == whole.frontends);
    CHECK(backends.entries == whole.backends);
    CHECK(revNat.entries == whole.revNat);
    CHECK(ranges.entries == whole.sourceRanges);
    for (const auto& [id, set] : whole.backendSets) CHECK(services.sets.at(id) == set);
    LONGS_EQUAL(whole.backendSets.size(), services.sets.size());
}

TEST(ServiceReconciler, ADeltaNeedsKnownMaps) {
    auto d = clusterIpService({"10.200.1.11"});
    backends.failUpserts = 1;
    CHECK_FALSE(reconciler->apply(planServiceMaps(d, {}, ids)).ok());
    const int writes = revNat.writes;
    CHECK_FALSE(reconciler->applyChanges(ServiceMapsDelta{}).ok());
    LONGS_EQUAL(writes, revNat.writes);
}

TEST(ServiceReconciler, AFailedDeltaLeavesTheMapsUnknownUntilReadBack) {
    auto d = clusterIpService({"10.200.1.11"});
    apply(d);
    d.ports[0].endpoints.cluster.push_back(d.ports[0].endpoints.cluster[0]);
    d.ports[0].endpoints.cluster.back().ip = ip("10.200.1.12");
    auto delta = planServiceChanges(d, {}, {"x/web"}, *reconciler->applied(), ids);
    CHECK(delta.has_value());
    backends.failUpserts = 1;
    CHECK_FALSE(reconciler->applyChanges(*delta).ok());
    CHECK_FALSE(reconciler->applied().has_value());
    auto retried = apply(d);
    CHECK(retried.readBack);
    LONGS_EQUAL(2, backends.entries.size());
}
