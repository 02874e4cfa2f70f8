// Reloading the configuration on SIGHUP or `nodeplanectl reload`: a bad file
// is refused whole and the daemon keeps running on the old configuration;
// keys that only take effect at start are reported, not half-applied.
#include <spdlog/spdlog.h>

#include "daemon/daemon.h"

namespace nodeplane::daemon {

namespace {

struct RestartOnlyKey {
    const char* key;
    bool changed;
};

}  // namespace

Result<std::string> Daemon::reloadConfig() {
    auto loaded = config::loadConfig(configPath_);
    if (!loaded.ok()) {
        lastRefusal_ = formatInputErrors(loaded.errors);
        spdlog::error("Configuration refused, keeping the running configuration:\n{}", lastRefusal_);
        return Error::logical(lastRefusal_);
    }
    auto& next = loaded.loaded.config;
    auto& cur = config_.config;

    // Resolved at start from the default route; keep that resolution.
    if (next.node.externalInterfaces.empty()) next.node.externalInterfaces = cur.node.externalInterfaces;

    const RestartOnlyKey restartOnly[] = {
        {"[node] name", next.node.name != cur.node.name},
        {"[state] source", next.state.source != cur.state.source},
        {"[kubernetes] kubeconfig", next.kubernetes.kubeconfig != cur.kubernetes.kubeconfig},
        {"[kubernetes] last-known", next.kubernetes.lastKnown != cur.kubernetes.lastKnown},
        {"[datapath] bpffs", next.datapath.bpffs != cur.datapath.bpffs},
        {"[datapath] max-local-endpoints", next.datapath.maxLocalEndpoints != cur.datapath.maxLocalEndpoints},
        {"[datapath] max-interfaces", next.datapath.maxInterfaces != cur.datapath.maxInterfaces},
        {"[datapath] max-services", next.datapath.maxServices != cur.datapath.maxServices},
        {"[datapath] max-backend-entries", next.datapath.maxBackendEntries != cur.datapath.maxBackendEntries},
        {"[datapath] max-conntrack-entries", next.datapath.maxConntrackEntries != cur.datapath.maxConntrackEntries},
        {"[datapath] max-policy-entries", next.datapath.maxPolicyEntries != cur.datapath.maxPolicyEntries},
        {"[datapath] max-ipcache-entries", next.datapath.maxIpcacheEntries != cur.datapath.maxIpcacheEntries},
        {"[datapath] cgroup", next.datapath.cgroup != cur.datapath.cgroup},
        {"[health] listen", next.health.listen != cur.health.listen},
        {"[control] socket", next.control.socket != cur.control.socket},
        {"[control] system-bus", next.control.systemBus != cur.control.systemBus},
        {"[lifecycle] drain-marker", next.lifecycle.drainMarker != cur.lifecycle.drainMarker},
        {"[lifecycle] shutdown-inhibitor", next.lifecycle.shutdownInhibitor != cur.lifecycle.shutdownInhibitor},
        {"[observe] socket", next.observe.socket != cur.observe.socket},
        {"[observe] ring-buffer-bytes", next.observe.ringBufferBytes != cur.observe.ringBufferBytes},
        {"[observe] wakeup-bytes", next.observe.wakeupBytes != cur.observe.wakeupBytes},
        {"[metrics] listen", next.metrics.listen != cur.metrics.listen},
    };
    for (const auto& k : restartOnly)
        if (k.changed) spdlog::warn("{} changed; it takes effect at the next start, ignoring for now", k.key);

    // What a reload does apply.
    if (next.log.level != cur.log.level) {
        spdlog::set_level(spdlog::level::from_str(next.log.level));
        cur.log.level = next.log.level;
    }
    // An armed exit keeps its time; drains begun later use the new value.
    cur.lifecycle.drainSeconds = next.lifecycle.drainSeconds;
    drain_.setDrainSeconds(std::chrono::seconds{cur.lifecycle.drainSeconds});
    // Read per /healthz request: the next request uses the new bound.
    cur.health.maxPendingSeconds = next.health.maxPendingSeconds;
    cur.policy = next.policy;  // the state applied after this reload uses it
    if (next.services.clusterIpRanges != cur.services.clusterIpRanges) {
        if (auto st = datapath_->setClusterIpRanges(next.services.clusterIpRanges); !st)
            spdlog::error("Failed to apply [services] cluster-ip-ranges, keeping the previous ranges: {}",
                          st.error().message);
        else
            cur.services = next.services;
    }
    if (next.datapath.conntrack != cur.datapath.conntrack) {
        cur.datapath.conntrack = next.datapath.conntrack;
        if (conntrackGc_) conntrackGc_->reconfigure(conntrackGcSettings(cur.datapath.conntrack));
    }
    cur.node.manageSysctls = next.node.manageSysctls;
    if (next.node.externalInterfaces != cur.node.externalInterfaces) {
        cur.node.externalInterfaces = next.node.externalInterfaces;
        reconciler_->setExternalInterfaces(cur.node.externalInterfaces);
    }
    if (next.state.snapshot != cur.state.snapshot && cur.state.source == config::StateSource::Snapshot) {
        cur.state.snapshot = next.state.snapshot;
        if (auto st = watchSnapshot(); !st)
            spdlog::error("Failed to watch the new snapshot path: {}", st.error().message);
    }
    if (next.policyLogging != cur.policyLogging || next.observe.events != cur.observe.events) {
        cur.policyLogging = next.policyLogging;
        cur.observe.events = next.observe.events;
        if (flowReporting_)
            if (auto st = flowReporting_->reconfigure(cur); !st)
                spdlog::error("Failed to apply [observe] events: {}", st.error().message);
    }
    config_.files = loaded.loaded.files;
    return std::string("configuration reloaded");
}

}  // namespace nodeplane::daemon
