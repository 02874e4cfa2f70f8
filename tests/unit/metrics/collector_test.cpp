// The whole /metrics text from a fake datapath and daemon numbers: every
// family named with its unit, events_lost apart from the packet outcomes,
// and a failing read leaving only its own families out.
#include <CppUTest/TestHarness.h>

#include <map>

#include "metrics/collector.h"

using namespace nodeplane;
using namespace nodeplane::metrics;
using datapath::IfaceCounters;
using datapath::MapInfo;
using datapath::NamedCounter;

namespace {

class FakeDatapath final : public DatapathSource {
public:
    std::vector<NamedCounter> counterValues{{"forwarded_local", 10, 1000}, {"events_lost", 4, 0}};
    std::vector<NamedCounter> dropValues{{"malformed", 2, 120}, {"policy_denied", 1, 60}};
    std::map<int, IfaceCounters> ifaces{{7, {5, 500, 6, 600}}};
    std::vector<MapInfo> mapValues;
    bool failMaps = false;

    FakeDatapath() {
        MapInfo ct;
        ct.name = "np_conntrack_v2";
        ct.maxEntries = 1000;
        ct.entries = 250;
        mapValues.push_back(ct);
    }

    Result<std::vector<NamedCounter>> counters() const override { return counterValues; }
    Result<std::vector<NamedCounter>> drops() const override { return dropValues; }
    Result<IfaceCounters> interfaceCounters(int ifindex) const override {
        auto it = ifaces.find(ifindex);
        if (it == ifaces.end()) return Error::fromErrno(ENOENT, "Failed to read the counters of ifindex " +
                                                                     std::to_string(ifindex));
        return it->second;
    }
    Result<std::vector<MapInfo>> maps() const override {
        if (failMaps) return Error::fromErrno(EPERM, "Failed to list the maps");
        return mapValues;
    }
};

bool has(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

}  // namespace

TEST_GROUP(Collector) {
    FakeDatapath datapath;
    DaemonMetrics daemon;
    bus::ConntrackPressure pressure;
    MetricsInputs inputs;

    void setup() override {
        pressure.entries = 300;
        pressure.capacity = 1200;
        pressure.gcPasses = 8;
        pressure.agedOut = 40;
        pressure.lastGcDurationUsec = 1500;
        inputs.datapath = &datapath;
        inputs.interfaces = {{7, "veth-web"}};
        inputs.conntrack = &pressure;
        inputs.daemon = &daemon;
    }
};

TEST(Collector, DatapathCountersDropsInterfacesAndMaps) {
    std::string text = renderMetrics(inputs);
    CHECK(has(text, "# TYPE nodeplane_datapath_packets_total counter"));
    CHECK(has(text, "nodeplane_datapath_packets_total{outcome=\"forwarded_local\"} 10"));
    CHECK(has(text, "nodeplane_datapath_bytes_total{outcome=\"forwarded_local\"} 1000"));
    CHECK(text.find("outcome=\"events_lost\"") == std::string::npos);
    CHECK(has(text, "# TYPE nodeplane_events_lost_total counter"));
    CHECK(has(text, "nodeplane_events_lost_total 4"));
    CHECK(has(text, "nodeplane_datapath_drops_total{reason=\"malformed\"} 2"));
    CHECK(has(text, "nodeplane_datapath_dropped_bytes_total{reason=\"policy_denied\"} 60"));
    CHECK(has(text, "nodeplane_interface_packets_total{interface=\"veth-web\",direction=\"rx\"} 5"));
    CHECK(has(text, "nodeplane_interface_bytes_total{interface=\"veth-web\",direction=\"tx\"} 600"));
    CHECK(has(text, "nodeplane_map_entries{map=\"np_conntrack_v2\"} 250"));
    CHECK(has(text, "nodeplane_map_max_entries{map=\"np_conntrack_v2\"} 1000"));
    CHECK(has(text, "nodeplane_map_fill_ratio{map=\"np_conntrack_v2\"} 0.25"));
    CHECK(has(text, "nodeplane_metrics_collect_errors 0"));
}

TEST(Collector, ADatapathWithoutTheEventsLostStatHasNoSuchFamily) {
    datapath.counterValues.pop_back();
    std::string text = renderMetrics(inputs);
    CHECK(text.find("nodeplane_events_lost_total") == std::string::npos);
}

TEST(Collector, ConntrackAndDaemonNumbers) {
    daemon.countVerdict(observe::PolicyDirection::Ingress, true);
    daemon.countVerdict(observe::PolicyDirection::Ingress, true);
    daemon.countVerdict(observe::PolicyDirection::Egress, false);
    daemon.logRecordsWritten = 2;
    daemon.logRecordsDropped = 1;
    daemon.eventsRead = 3;
    daemon.applySeconds.observe(0.02);
    inputs.observeClients = 2;
    inputs.observeFlowsLost = 17;
    std::string text = renderMetrics(inputs);
    CHECK(has(text, "nodeplane_conntrack_entries 300"));
    CHECK(has(text, "nodeplane_conntrack_max_entries 1200"));
    CHECK(has(text, "nodeplane_conntrack_fill_ratio 0.25"));
    CHECK(has(text, "nodeplane_conntrack_gc_passes_total 8"));
    CHECK(has(text, "nodeplane_conntrack_aged_out_total 40"));
    CHECK(has(text, "nodeplane_conntrack_gc_duration_seconds 0.0015"));
    CHECK(has(text, "nodeplane_policy_verdicts_total{direction=\"ingress\",verdict=\"allow\"} 2"));
    CHECK(has(text, "nodeplane_policy_verdicts_total{direction=\"ingress\",verdict=\"deny\"} 0"));
    CHECK(has(text, "nodeplane_policy_verdicts_total{direction=\"egress\",verdict=\"deny\"} 1"));
    CHECK(has(text, "nodeplane_policy_log_records_total 2"));
    CHECK(has(text, "nodeplane_policy_log_records_dropped_total 1"));
    CHECK(has(text, "nodeplane_events_read_total 3"));
    CHECK(has(text, "# TYPE nodeplane_state_apply_seconds histogram"));
    CHECK(has(text, "nodeplane_state_apply_seconds_bucket{le=\"0.025\"} 1"));
    CHECK(has(text, "nodeplane_state_apply_seconds_count 1"));
    CHECK(has(text, "nodeplane_observe_clients 2"));
    CHECK(has(text, "nodeplane_observe_flows_lost_total 17"));
}

TEST(Collector, AFailedReadLeavesOnlyItsFamiliesOut) {
    datapath.failMaps = true;
    inputs.interfaces.push_back({99, "gone"});
    std::string text = renderMetrics(inputs);
    CHECK(text.find("nodeplane_map_entries") == std::string::npos);
    CHECK(text.find("interface=\"gone\"") == std::string::npos);
    CHECK(has(text, "nodeplane_interface_packets_total{interface=\"veth-web\",direction=\"rx\"} 5"));
    CHECK(has(text, "nodeplane_datapath_drops_total{reason=\"malformed\"} 2"));
    CHECK(has(text, "nodeplane_metrics_collect_errors 2"));
}

TEST(Collector, TheApiServerFeedWhenItIsTheStateSource) {
    MetricsInputs inputs;
    bus::StateFeedStatus feed;
    feed.degraded = true;
    feed.servingLastKnown = true;
    feed.connected = false;
    feed.synced = false;
    feed.lastContactUsec = 1714564790500000;
    feed.lastKnownSavedUsec = 1714564780000000;
    feed.relists = 4;
    feed.watchRestarts = 9;
    feed.events = 1234;
    feed.errors = 6;
    inputs.feed = &feed;
    std::string text = renderMetrics(inputs);
    CHECK(has(text, "nodeplane_state_degraded 1"));
    CHECK(has(text, "nodeplane_state_serving_last_known 1"));
    CHECK(has(text, "nodeplane_kubernetes_synced 0"));
    CHECK(has(text, "nodeplane_kubernetes_connected 0"));
    CHECK(has(text, "nodeplane_kubernetes_last_contact_timestamp_seconds 1714564790.5"));
    CHECK(has(text, "nodeplane_kubernetes_last_known_saved_timestamp_seconds 1714564780"));
    CHECK(has(text, "nodeplane_kubernetes_relists_total 4"));
    CHECK(has(text, "nodeplane_kubernetes_watch_restarts_total 9"));
    CHECK(has(text, "nodeplane_kubernetes_events_total 1234"));
    CHECK(has(text, "nodeplane_kubernetes_errors_total 6"));
    // Without a feed (a snapshot node) the families are left out.
    CHECK_FALSE(has(renderMetrics(MetricsInputs{}), "nodeplane_state_degraded"));
}

TEST(Collector, NothingButTheErrorGaugeWithoutInputs) {
    STRCMP_EQUAL("# HELP nodeplane_metrics_collect_errors Datapath reads that failed during this scrape.\n"
                 "# TYPE nodeplane_metrics_collect_errors gauge\n"
                 "nodeplane_metrics_collect_errors 0\n",
                 renderMetrics(MetricsInputs{}).c_str());
}
