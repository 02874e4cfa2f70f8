// measureServiceCost(), the ClusterIP benchmark bench/ builds on: it fills
// the maps, every first packet really creates a flow and every second-pass
// packet hits it. Sizes come from NP_SERVICE_BENCH_SIZES ("1,1000" unless
// set; "1,1000,64000,1000000" for the full table), one fresh node each.
#include <CppUTest/TestHarness.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "packet_test_support.h"
#include "support/counters.h"
#include "support/service_bench.h"

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

}  // namespace

TEST_GROUP(ServiceBench) {};

TEST(ServiceBench, MeasuresFirstAndEstablishedPackets) {
    constexpr std::uint32_t kSamples = 2000;
    for (std::uint32_t size : benchSizes()) {
        datapath::Options options;
        options.maxBackends = std::max<std::uint32_t>(size, 1024);
        options.maxBackendSlots = std::max<std::uint32_t>(size, 1024);
        options.maxConntrack = 65536;
        std::unique_ptr<DatapathFixture> node;
        int host = 0;
        orFail([&] {
            node = std::make_unique<DatapathFixture>(options);
            host = node->addInterface("np-pod-a");
        });
        auto cost = measureServiceCost(*node, host, size, kSamples);
        CHECK_TEXT(cost.ok(), cost.ok() ? "" : cost.error().message.c_str());
        CHECK(cost->emptyNs >= 0 && cost->firstPacketNs > 0 && cost->establishedNs > 0);
        auto& stats = node->datapath().stats();
        LONGS_EQUAL(kSamples, statCounter(stats, "ct_created").packets);
        LONGS_EQUAL(2 * kSamples, statCounter(stats, "service_translated").packets);
        CHECK(cost->plainNs > 0);
        std::printf("\nservice bench: %7u backends: empty %6.1f ns, no service %6.1f ns, first packet %6.1f ns, "
                    "established %6.1f ns",
                    size, cost->emptyNs, cost->plainNs, cost->firstPacketNs, cost->establishedNs);
    }
}
