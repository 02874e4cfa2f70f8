// What the daemon reports about the datapath: flow events read from the
// ring (FlowReporting: the policy action log and `nodeplanectl observe`),
// and Prometheus metrics on [metrics] listen.
#include <spdlog/spdlog.h>

#include "config/listen_address.h"
#include "daemon/daemon.h"
#include "metrics/metrics_server.h"

namespace nodeplane::daemon {

Status Daemon::startObservability() {
    const auto& cfg = config_.config;
    auto reporting = FlowReporting::start(loop_.get(), *datapath_, cfg);
    if (!reporting) return reporting.error();
    flowReporting_ = std::move(reporting).value();
    // Flows conntrack ageing removes are closes too (UDP, idle TCP).
    if (conntrackGc_)
        conntrackGc_->setAgedFlowObserver([this](const AgedFlow& flow) {
            if (flowReporting_) flowReporting_->reportAged(flow.entry, flow.frontend);
        });

    metricsSource_ = std::make_unique<metrics::LoadedDatapathSource>(*datapath_);
    if (cfg.metrics.listen.empty()) return {};
    auto listen = config::parseListenAddress(cfg.metrics.listen);
    if (!listen) return listen.error();
    auto server = metrics::startMetricsServer(loop_.get(), listen->ip, listen->port,
                                              [this] { return renderMetrics(); });
    if (!server) return server.error();
    metrics_ = std::move(server).value();
    spdlog::info("Metrics on http://{}/metrics", metrics_->describe());
    return {};
}

std::string Daemon::renderMetrics() const {
    metrics::MetricsInputs inputs;
    inputs.datapath = metricsSource_.get();
    // The interfaces the datapath is attached to, by their current names.
    auto add = [&](int ifindex) {
        auto link = links_->link(ifindex);
        inputs.interfaces.push_back({ifindex, link ? link->name : std::to_string(ifindex)});
    };
    if (reconciler_) {
        for (int ifindex : reconciler_->attachedExternal()) add(ifindex);
        for (int ifindex : reconciler_->attachedPods()) add(ifindex);
    }
    if (conntrackGc_) inputs.conntrack = &conntrackGc_->pressure();
    if (flowReporting_) {
        inputs.daemon = &flowReporting_->counters();
        inputs.observeClients = flowReporting_->stream().watchingClients();
        inputs.observeFlowsLost = flowReporting_->stream().lostTotal();
    }
    std::optional<bus::StateFeedStatus> feed;
    if (kubeSource_) {
        feed = kubeSource_->status();
        inputs.feed = &*feed;
    }
    return metrics::renderMetrics(inputs);
}

}  // namespace nodeplane::daemon
