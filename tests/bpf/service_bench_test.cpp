// The ClusterIP benchmark's machinery (bench/service_bench builds on it):
// the bench program shares the datapath's maps and really runs from_pod's
// path on a new flow each repetition (every first-packet run creates a
// flow, every established run finds one), and measureServiceCost refuses to
// report figures when the runs took another path. Sizes come from
// NP_SERVICE_BENCH_SIZES ("1,1000" unless set).
#include <CppUTest/TestHarness.h>
#include <linux/pkt_cls.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "packet_test_support.h"
#include "support/counters.h"
#include "support/packet_view.h"
#include "support/service_bench.h"
#include "support/service_bench_fill.h"
#include "support/service_bench_probe.h"
#include "support/service_bench_program.h"

using namespace nodeplane;
using namespace nodeplane::test;

namespace {

std::vector<std::uint32_t> benchSizes() {
    const char* env = std::getenv("NP_SERVICE_BENCH_SIZES");
    std::stringstream in(env != nullptr ? env : "1,1000");
    std::vector<std::uint32_t> sizes;
    for (std::string item; std::getline(in, item, ',');) sizes.push_back(static_cast<std::uint32_t>(std::stoul(item)));
    return sizes;
}

datapath::Options smallNode(std::uint32_t backends) {
    datapath::Options options;
    options.maxBackends = std::max<std::uint32_t>(backends + 1, 1024);
    options.maxBackendSlots = options.maxBackends;
    options.maxConntrack = 65536;
    return options;
}

constexpr std::uint32_t kClientBase = 0x0ac80110;    // 10.200.1.16
constexpr std::uint32_t kFrontendBase = 0x0a60000a;  // 10.96.0.10

}  // namespace

TEST_GROUP(ServiceBenchProgram) {
    std::unique_ptr<DatapathFixture> node;
    int host = 0;
    ServiceFill fill;

    // `backends` entries in services of 64,000, two client pods.
    void build(std::uint32_t backends) {
        orFail([&] {
            node = std::make_unique<DatapathFixture>(smallNode(backends));
            host = node->addInterface("np-pod-a");
        });
        auto& dp = node->datapath();
        for (std::uint32_t c = 0; c < 2; ++c)
            CHECK_TRUE(dp.localEndpoints()
                           .upsert(IpAddress::v4(kClientBase + c), {static_cast<std::uint32_t>(host), c + 1, 0, 0})
                           .ok());
        auto filled = fillServices(dp, backends);
        CHECK_TEXT(filled.ok(), filled.ok() ? "" : filled.error().message.c_str());
        fill = *filled;
    }
    void teardown() override { node.reset(); }

    ServiceFlowProgram load() {
        auto program = ServiceFlowProgram::load(node->bpffs() + "/nodeplane/maps",
                                                {kClientBase, 2, fill.frontendBase, fill.services, kBenchServicePort});
        CHECK_TEXT(program.ok(), program.ok() ? "" : program.error().message.c_str());
        return std::move(*program);
    }

    SkbContext ctx() const { return {static_cast<std::uint32_t>(host), static_cast<std::uint32_t>(host), 0}; }

    static Bytes syn() {
        return PacketBuilder().eth(kMacPodA, kMacHostA).ipv4("10.200.1.16", "10.96.0.10").tcp(1024, 80).build();
    }
};

TEST(ServiceBenchProgram, FillsServicesOfAtMost64000Backends) {
    build(64001);
    LONGS_EQUAL(2, fill.services);
    LONGS_EQUAL(kFrontendBase, fill.frontendBase);
    auto& services = node->datapath().services();
    auto first = services.backendSet(1);
    auto second = services.backendSet(2);
    CHECK_TRUE(first.ok() && second.ok());
    LONGS_EQUAL(64000, first->size());
    LONGS_EQUAL(1, second->size());
    auto backends = node->datapath().backends().list();
    CHECK_TRUE(backends.ok());
    LONGS_EQUAL(64002, backends->size());  // and the hot service's
    // The hot service's only backend is the frontend itself: a DNAT to it
    // rewrites nothing, so repeated runs of from_pod stay on one path.
    auto hot = services.backendSet(3);
    CHECK_TRUE(hot.ok());
    LONGS_EQUAL(1, hot->size());
    STRCMP_EQUAL(fill.hotFrontend.toString().c_str(), backends->at(hot->front()).address.toString().c_str());
    LONGS_EQUAL(kBenchServicePort, backends->at(hot->front()).port);
}

TEST(ServiceBenchProgram, EveryRunOfANewWindowOpensItsOwnFlow) {
    build(1000);
    auto program = load();
    program.startFlows(0, 0);
    constexpr std::uint32_t kRuns = 500;
    auto run = testRun(program.serviceFlowFd(), syn(), ctx(), kRuns);
    CHECK_TRUE(run.ok());
    CHECK_TC_ACTION(TC_ACT_OK, *run);
    LONGS_EQUAL(kRuns, program.nextFlow());
    auto& stats = node->datapath().stats();
    LONGS_EQUAL(kRuns, statCounter(stats, "ct_created").packets);
    LONGS_EQUAL(kRuns, statCounter(stats, "service_translated").packets);

    // Both directions of every flow; flow f came from client f % 2 and
    // port 1024 + f / 2 (one frontend), so all tuples differ.
    auto entries = node->datapath().conntrack().list();
    CHECK_TRUE(entries.ok());
    LONGS_EQUAL(2 * kRuns, entries->size());
    std::set<std::pair<std::string, std::uint16_t>> clients;
    for (const auto& e : *entries) {
        if (e.direction != datapath::ConntrackDirection::Original) continue;
        STRCMP_EQUAL("10.96.0.10", e.destination.toString().c_str());
        clients.insert({e.source.toString(), e.sourcePort});
    }
    LONGS_EQUAL(kRuns, clients.size());
    CHECK_TRUE(clients.contains({"10.200.1.17", 1024 + 499 / 2}));
    // The last run (flow 499: client 1, port 1024 + 249) left its frame
    // translated to the backend its conntrack entry names.
    PacketView out(run->output);
    STRCMP_EQUAL("10.200.1.17", out.ipv4Src().c_str());
    LONGS_EQUAL(1024 + 249, out.srcPort());
    LONGS_EQUAL(kBenchBackendPort, out.dstPort());
    auto backends = node->datapath().backends().list();
    CHECK_TRUE(backends.ok());
    bool found = false;
    for (const auto& e : *entries)
        if (e.direction == datapath::ConntrackDirection::Original && e.sourcePort == 1024 + 249 &&
            e.source.toString() == "10.200.1.17") {
            STRCMP_EQUAL(backends->at(e.backendId).address.toString().c_str(), out.ipv4Dst().c_str());
            found = true;
        }
    CHECK_TRUE(found);
}

TEST(ServiceBenchProgram, AWindowRevisitsTheFlowsItOpened) {
    build(1000);
    auto program = load();
    program.startFlows(0, 0);
    CHECK_TRUE(testRun(program.serviceFlowFd(), syn(), ctx(), 64).ok());
    program.startFlows(0, 64);
    auto run = testRun(program.serviceFlowFd(), syn(), ctx(), 640);
    CHECK_TRUE(run.ok());
    CHECK_TC_ACTION(TC_ACT_OK, *run);
    auto& stats = node->datapath().stats();
    LONGS_EQUAL(64, statCounter(stats, "ct_created").packets);                // nothing new
    LONGS_EQUAL(64 + 640, statCounter(stats, "service_translated").packets);  // all translated
}

TEST(ServiceBenchProgram, RefusesANodeWithoutTheDatapathsMaps) {
    build(1);
    // An empty directory: no pinned map to share, and nothing may be created.
    auto program =
        ServiceFlowProgram::load(node->bpffs(), {kClientBase, 2, fill.frontendBase, fill.services, kBenchServicePort});
    CHECK_FALSE(program.ok());
}

TEST(ServiceBenchProgram, ProbesFindWhatTheFillWrote) {
    build(64001);  // two services: the slot probe crosses from one frontend to the next
    auto probe = LookupProbe::load(node->datapath(), fill);
    CHECK_TEXT(probe.ok(), probe.ok() ? "" : probe.error().message.c_str());
    for (Probe p : kProbes) {
        auto run = testRun(probe->programFd(p), syn(), ctx(), 5000);
        CHECK_TEXT(run.ok(), probeName(p));
        CHECK_TC_ACTION(TC_ACT_OK, *run);
    }
    LONGS_EQUAL(0, probe->wrongLookups());
}

TEST(ServiceBenchProgram, AProbeThatMissesCountsIt) {
    build(1000);
    auto probe = LookupProbe::load(node->datapath(), fill);
    CHECK_TRUE(probe.ok());
    // Half the backends gone from the shipped map (the probe's copies keep them).
    for (datapath::BackendId id = 1; id <= 500; ++id) CHECK_TRUE(node->datapath().backends().erase(id).ok());
    CHECK_TRUE(testRun(probe->programFd(Probe::BackendArray), syn(), ctx(), 1000).ok());
    LONGS_EQUAL(0, probe->wrongLookups());
    CHECK_TRUE(testRun(probe->programFd(Probe::Backend), syn(), ctx(), 1000).ok());
    CHECK(probe->wrongLookups() > 300 && probe->wrongLookups() < 700);
}

TEST_GROUP(ServiceBench){};

TEST(ServiceBench, MeasuresFirstAndEstablishedPackets) {
    ServiceBenchOptions options;
    options.repeat = 2000;
    options.rounds = 3;
    options.establishedFlows = 1000;
    options.singleRuns = 200;
    for (std::uint32_t size : benchSizes()) {
        std::unique_ptr<DatapathFixture> node;
        int host = 0;
        orFail([&] {
            node = std::make_unique<DatapathFixture>(smallNode(size));
            host = node->addInterface("np-pod-a");
        });
        options.backendEntries = size;
        auto cost = measureServiceCost(*node, host, options);
        CHECK_TEXT(cost.ok(), cost.ok() ? "" : cost.error().message.c_str());
        LONGS_EQUAL(size, cost->backendEntries);
        CHECK(cost->emptyNs > 0 && cost->flowOnlyNs > 0 && cost->emptySingleNs > 0);
        // Translation does more than the empty program and the tuple write.
        CHECK(cost->firstPacketNs > cost->flowOnlyNs && cost->establishedNs > cost->flowOnlyNs);
        CHECK(cost->fromPodEstablishedNs > cost->emptyNs && cost->fromPodFirstSingleNs > cost->emptySingleNs);
        for (double ns : cost->lookupNs) CHECK(ns > 0);
        // The counters measureServiceCost checked, checked again here.
        auto& stats = node->datapath().stats();
        const std::uint64_t wantCreated = options.rounds * (options.repeat + 1) + options.singleRuns;
        LONGS_EQUAL(wantCreated, statCounter(stats, "ct_created").packets);
        std::printf(
            "\nservice bench: %7u backends: empty %5.1f, first %6.1f, established %6.1f, from_pod est. %6.1f ns", size,
            cost->emptyNs, cost->firstPacketNs, cost->establishedNs, cost->fromPodEstablishedNs);
    }
}

TEST(ServiceBench, RefusesAWindowItCannotOpen) {
    auto node = orFail([] { return std::make_unique<DatapathFixture>(smallNode(1)); });
    ServiceBenchOptions options;
    options.repeat = 100;
    options.establishedFlows = 101;  // more flows than the first packets open
    CHECK_FALSE(measureServiceCost(*node, 1, options).ok());
}

TEST(ServiceBench, RefusesFiguresOfRunsThatTookAnotherPath) {
    std::unique_ptr<DatapathFixture> node;
    int host = 0;
    orFail([&] {
        node = std::make_unique<DatapathFixture>(smallNode(10));
        host = node->addInterface("np-pod-a");
    });
    ServiceBenchOptions options;
    options.backendEntries = 10;
    options.repeat = 100;
    options.establishedFlows = 50;
    auto bench = ServiceBench::prepare(*node, host, options);
    CHECK_TEXT(bench.ok(), bench.ok() ? "" : bench.error().message.c_str());
    CHECK_TRUE((*bench)->round().ok());
    CHECK_TRUE((*bench)->result().ok());
    // Without its frontend the flows go to the stack untranslated: still
    // TC_ACT_OK, but not what the figures would claim.
    CHECK_TRUE(node->datapath()
                   .services()
                   .erase({IpAddress::v4(kFrontendBase), kBenchServicePort, datapath::L4Protocol::Tcp,
                           datapath::ServiceScope::Internal})
                   .ok());
    CHECK_TRUE((*bench)->round().ok());
    auto result = (*bench)->result();
    CHECK_FALSE(result.ok());
    CHECK(result.error().message.find("another path") != std::string::npos);
}
