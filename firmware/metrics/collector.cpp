#include "metrics/collector.h"

#include "common/log.h"
#include "metrics/prometheus_text.h"

namespace nodeplane::metrics {
namespace {

using datapath::NamedCounter;

class Collector {
public:
    explicit Collector(const MetricsInputs& inputs) : in_(inputs) {}

    std::string run() {
        if (in_.datapath) {
            outcomes();
            drops();
            interfaces();
            maps();
        }
        if (in_.conntrack) conntrack();
        if (in_.daemon) daemon();
        if (in_.feed) feed();
        observe();
        text_.gauge("nodeplane_metrics_collect_errors", "Datapath reads that failed during this scrape.",
                    {{{}, errors_}});
        return text_.text();
    }

private:
    template <typename T>
    bool failed(const Result<T>& result) {
        if (result.ok()) return false;
        ++errors_;
        spdlog::debug("Metrics: {}, leaving it out", result.error().message);
        return true;
    }

    void outcomes() {
        auto counters = in_.datapath->counters();
        if (failed(counters)) return;
        std::vector<Sample> packets, bytes, lost;
        for (const NamedCounter& c : *counters) {
            if (c.name == kEventsLostStat) {
                lost.push_back({{}, c.packets});
                continue;
            }
            packets.push_back({{{"outcome", c.name}}, c.packets});
            bytes.push_back({{{"outcome", c.name}}, c.bytes});
        }
        text_.counter("nodeplane_datapath_packets_total", "Packets the datapath handled, by outcome.", packets);
        text_.counter("nodeplane_datapath_bytes_total", "Bytes of the packets the datapath handled, by outcome.",
                      bytes);
        // Absent from a datapath older than the ring buffer: then no family.
        if (!lost.empty())
            text_.counter("nodeplane_events_lost_total",
                          "Datapath events not reported because the ring buffer was full.", lost);
    }

    void drops() {
        auto drops = in_.datapath->drops();
        if (failed(drops)) return;
        std::vector<Sample> packets, bytes;
        for (const NamedCounter& c : *drops) {
            packets.push_back({{{"reason", c.name}}, c.packets});
            bytes.push_back({{{"reason", c.name}}, c.bytes});
        }
        text_.counter("nodeplane_datapath_drops_total", "Packets the datapath dropped, by reason.", packets);
        text_.counter("nodeplane_datapath_dropped_bytes_total", "Bytes of the packets the datapath dropped, by reason.",
                      bytes);
    }

    void interfaces() {
        std::vector<Sample> packets, bytes;
        for (const InterfaceRef& iface : in_.interfaces) {
            auto c = in_.datapath->interfaceCounters(iface.ifindex);
            if (failed(c)) continue;
            packets.push_back({{{"interface", iface.name}, {"direction", "rx"}}, c->rxPackets});
            packets.push_back({{{"interface", iface.name}, {"direction", "tx"}}, c->txPackets});
            bytes.push_back({{{"interface", iface.name}, {"direction", "rx"}}, c->rxBytes});
            bytes.push_back({{{"interface", iface.name}, {"direction", "tx"}}, c->txBytes});
        }
        text_.counter("nodeplane_interface_packets_total",
                      "Packets the datapath saw on an interface it is attached to (rx: received, tx: sent).", packets);
        text_.counter("nodeplane_interface_bytes_total", "Bytes of those packets, whole frames.", bytes);
    }

    void maps() {
        auto maps = in_.datapath->maps();
        if (failed(maps)) return;
        std::vector<Sample> entries, capacity, fill;
        for (const auto& map : *maps) {
            Labels labels{{"map", map.name}};
            entries.push_back({labels, std::uint64_t{map.entries}});
            capacity.push_back({labels, std::uint64_t{map.maxEntries}});
            fill.push_back({labels, map.maxEntries ? double(map.entries) / map.maxEntries : 0.0});
        }
        text_.gauge("nodeplane_map_entries", "Entries in a datapath map (arrays are always full; a ring buffer: bytes not yet read).", entries);
        text_.gauge("nodeplane_map_max_entries", "Capacity of a datapath map (a ring buffer: its bytes).", capacity);
        text_.gauge("nodeplane_map_fill_ratio", "Entries over capacity of a datapath map, 0 to 1.", fill);
    }

    void conntrack() {
        const bus::ConntrackPressure& p = *in_.conntrack;
        text_.gauge("nodeplane_conntrack_entries", "Conntrack entries at the last ageing pass (two per flow).",
                    {{{}, std::uint64_t{p.entries}}});
        text_.gauge("nodeplane_conntrack_max_entries", "Capacity of the conntrack map.",
                    {{{}, std::uint64_t{p.capacity}}});
        text_.gauge("nodeplane_conntrack_fill_ratio",
                    "Conntrack entries over capacity; the LRU map evicts live flows near 1.",
                    {{{}, p.capacity ? double(p.entries) / p.capacity : 0.0}});
        text_.counter("nodeplane_conntrack_gc_passes_total", "Conntrack ageing passes run.", {{{}, p.gcPasses}});
        text_.counter("nodeplane_conntrack_aged_out_total", "Conntrack entries removed by ageing.", {{{}, p.agedOut}});
        text_.gauge("nodeplane_conntrack_gc_duration_seconds", "How long the last conntrack ageing pass took.",
                    {{{}, double(p.lastGcDurationUsec) / 1e6}});
    }

    void feed() {
        const bus::StateFeedStatus& f = *in_.feed;
        auto flag = [](bool b) { return std::uint64_t{b ? 1u : 0u}; };
        text_.gauge("nodeplane_state_degraded",
                    "1 while the node forwards on a state the API server has not confirmed (last-known, or no answer).",
                    {{{}, flag(f.degraded)}});
        text_.gauge("nodeplane_state_serving_last_known",
                    "1 while the applied state is the last-known snapshot rather than the API server's.",
                    {{{}, flag(f.servingLastKnown)}});
        text_.gauge("nodeplane_kubernetes_synced", "1 once every watched kind has been listed.", {{{}, flag(f.synced)}});
        text_.gauge("nodeplane_kubernetes_connected", "1 while the last request of every watched kind succeeded.",
                    {{{}, flag(f.connected)}});
        text_.gauge("nodeplane_kubernetes_last_contact_timestamp_seconds",
                    "When the API server last answered (Unix time; 0: never).", {{{}, double(f.lastContactUsec) / 1e6}});
        text_.gauge("nodeplane_kubernetes_last_known_saved_timestamp_seconds",
                    "When the last-known snapshot was last written (Unix time; 0: not by this daemon).",
                    {{{}, double(f.lastKnownSavedUsec) / 1e6}});
        text_.counter("nodeplane_kubernetes_relists_total", "Lists of a kind again after a 410 Gone (not the first).",
                      {{{}, f.relists}});
        text_.counter("nodeplane_kubernetes_watch_restarts_total", "Watches started again after they ended.",
                      {{{}, f.watchRestarts}});
        text_.counter("nodeplane_kubernetes_events_total", "Watch events received.", {{{}, f.events}});
        text_.counter("nodeplane_kubernetes_errors_total", "Failed requests to the API server.", {{{}, f.errors}});
    }

    void daemon() {
        const DaemonMetrics& d = *in_.daemon;
        std::vector<Sample> verdicts;
        for (int direction = 0; direction < 2; ++direction)
            for (int allowed = 1; allowed >= 0; --allowed)
                verdicts.push_back({{{"direction", direction ? "egress" : "ingress"},
                                     {"verdict", allowed ? "allow" : "deny"}},
                                    d.policyVerdicts[direction][allowed]});
        text_.counter("nodeplane_policy_verdicts_total",
                      "NetworkPolicy verdicts on new flows of isolated pods, as the datapath reported them.",
                      verdicts);
        text_.counter("nodeplane_policy_log_records_total", "Policy action log records written.",
                      {{{}, d.logRecordsWritten}});
        text_.counter("nodeplane_policy_log_records_dropped_total",
                      "Policy action log records not written (rate limit or write failure).",
                      {{{}, d.logRecordsDropped}});
        text_.counter("nodeplane_events_read_total", "Datapath events read from the ring buffer.",
                      {{{}, d.eventsRead}});
        text_.histogram("nodeplane_state_apply_seconds",
                        "Time from a state change being read to the datapath holding it.", d.applySeconds);
    }

    void observe() {
        if (in_.observeClients)
            text_.gauge("nodeplane_observe_clients", "Clients of the flow stream (nodeplanectl observe).",
                        {{{}, *in_.observeClients}});
        if (in_.observeFlowsLost)
            text_.counter("nodeplane_observe_flows_lost_total",
                          "Flows a flow stream client missed because it read too slowly.",
                          {{{}, *in_.observeFlowsLost}});
    }

    const MetricsInputs& in_;
    PrometheusText text_;
    std::uint64_t errors_ = 0;
};

}  // namespace

std::string renderMetrics(const MetricsInputs& inputs) { return Collector(inputs).run(); }

}  // namespace nodeplane::metrics
