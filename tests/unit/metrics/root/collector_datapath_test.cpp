// Root: the collector over a real datapath loaded on a private bpffs in a
// private network namespace. One ARP frame runs through the shipped from_pod
// program; /metrics then shows it in the outcome and interface counters, and
// every pinned map with its capacity.
#include <CppUTest/TestHarness.h>

#include <linux/pkt_cls.h>

#include <memory>
#include <stdexcept>

#include "metrics/collector.h"
#include "support/bpf_test_run.h"
#include "support/datapath_fixture.h"
#include "support/packet_builder.h"

using namespace nodeplane;
using namespace nodeplane::metrics;

namespace {

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_GROUP(CollectorOnDatapath) {
    std::unique_ptr<test::DatapathFixture> node;

    void setup() override {
        datapath::Options options;
        options.maxConntrack = 4096;
        try {
            node = std::make_unique<test::DatapathFixture>(options);
        } catch (const std::exception& e) {
            FAIL(e.what());
        }
    }
    void teardown() override { node.reset(); }
};

TEST(CollectorOnDatapath, ShowsCountersInterfacesAndEveryMap) {
    const int ifindex = node->addInterface("np-m0");
    auto arp = test::PacketBuilder()
                   .eth("02:00:00:00:0a:0a", "ff:ff:ff:ff:ff:ff")
                   .arpRequest(test::parseMac("02:00:00:00:0a:0a"), "10.0.1.5", "169.254.1.1")
                   .build();
    test::SkbContext ctx;
    ctx.ifindex = static_cast<std::uint32_t>(ifindex);
    ctx.ingressIfindex = ctx.ifindex;
    auto run = test::testRun(node->datapath().programFd(datapath::Program::FromPod), arp, ctx);
    CHECK_TEXT(run.ok(), run.ok() ? "" : run.error().message.c_str());
    LONGS_EQUAL(TC_ACT_OK, run->retval);

    LoadedDatapathSource source(node->datapath());
    MetricsInputs inputs;
    inputs.datapath = &source;
    inputs.interfaces = {{ifindex, "np-m0"}};
    std::string text = renderMetrics(inputs);

    CHECK_TEXT(has(text, "nodeplane_datapath_packets_total{outcome=\"passed_non_ip\"} 1"), text.c_str());
    CHECK(has(text, "nodeplane_datapath_bytes_total{outcome=\"passed_non_ip\"} " + std::to_string(arp.size())));
    CHECK(has(text, "nodeplane_datapath_drops_total{reason=\"malformed\"} 0"));
    CHECK(has(text, "nodeplane_interface_packets_total{interface=\"np-m0\",direction=\"rx\"} 1"));
    CHECK(has(text, "nodeplane_interface_packets_total{interface=\"np-m0\",direction=\"tx\"} 0"));
    CHECK(has(text, "nodeplane_events_lost_total 0"));
    CHECK(has(text, "nodeplane_map_max_entries{map=\"np_conntrack_v2\"} 4096"));
    CHECK(has(text, "nodeplane_map_entries{map=\"np_conntrack_v2\"} 0"));
    CHECK(has(text, "nodeplane_metrics_collect_errors 0"));

    // One line per pinned map, as `nodeplanectl status` lists them.
    auto maps = node->datapath().maps();
    CHECK(maps.ok());
    for (const auto& map : *maps)
        CHECK_TEXT(text.find("nodeplane_map_fill_ratio{map=\"" + map.name + "\"}") != std::string::npos,
                   map.name.c_str());
}

TEST(CollectorOnDatapath, MapFillIsReadAgainOnlyWhenOld) {
    // Walking a big hash map costs a syscall per entry: the listing is kept.
    LoadedDatapathSource kept(node->datapath(), std::chrono::hours(1));
    LoadedDatapathSource fresh(node->datapath(), std::chrono::seconds(0));
    MetricsInputs keptInputs, freshInputs;
    keptInputs.datapath = &kept;
    freshInputs.datapath = &fresh;
    CHECK(has(renderMetrics(keptInputs), "nodeplane_map_entries{map=\"np_local_endpoints_v1\"} 0"));

    CHECK_TRUE(node->datapath().localEndpoints().upsert(*IpAddress::parse("10.0.1.5"), {7, 1, 0, 0}).ok());
    CHECK(has(renderMetrics(keptInputs), "nodeplane_map_entries{map=\"np_local_endpoints_v1\"} 0"));
    CHECK(has(renderMetrics(freshInputs), "nodeplane_map_entries{map=\"np_local_endpoints_v1\"} 1"));
}
