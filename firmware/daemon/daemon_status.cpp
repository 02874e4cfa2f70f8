// What the daemon reports over the control API: its phase and state, each
// interface with the programs the kernel really has attached there, map fill
// levels and the datapath's counters.
#include <spdlog/spdlog.h>

#include <set>

#include "daemon/daemon.h"
#include "datapath/names.h"

namespace nodeplane::daemon {

namespace {

void addHook(std::vector<std::string>& out, const datapath::HookAttachment& hook, const char* where) {
    if (hook.attached) out.push_back(hook.progName + "@" + where);
}

}  // namespace

bus::NodeStatus Daemon::status() {
    bus::NodeStatus s;
    const auto& cfg = config_.config;
    s.node = cfg.node.name;
    s.stateSource = cfg.state.source == config::StateSource::Snapshot ? "snapshot" : "kubernetes";
    s.statePath = cfg.state.source == config::StateSource::Snapshot ? cfg.state.snapshot : cfg.kubernetes.kubeconfig;
    s.phase = std::string(toString(phase_));
    s.healthy = health::healthzHealthy(healthView());
    s.generation = generation_;
    if (appliedAt_)
        s.appliedUsec = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(appliedAt_->time_since_epoch()).count());
    s.lastRefusedReload = lastRefusal_;
    s.pendingInterfaces = pendingInterfaces_;

    auto describe = [&](int ifindex, const char* role) {
        bus::InterfaceStatus i;
        auto link = links_->link(ifindex);
        i.name = link ? link->name : "?";
        i.ifindex = ifindex;
        i.role = role;
        if (auto info = datapath_->queryAttachment(ifindex)) {
            addHook(i.programs, info->ingress, "ingress");
            addHook(i.programs, info->egress, "egress");
        }
        if (auto c = datapath_->stats().interfaceCounters(ifindex)) {
            i.rxPackets = c->rxPackets;
            i.rxBytes = c->rxBytes;
            i.txPackets = c->txPackets;
            i.txBytes = c->txBytes;
        }
        s.interfaces.push_back(std::move(i));
    };
    for (int ifindex : reconciler_->attachedExternal()) describe(ifindex, "external");
    for (int ifindex : reconciler_->attachedPods()) describe(ifindex, "pod");

    if (auto maps = datapath_->maps()) {
        for (const auto& m : *maps) s.maps.push_back({m.name, m.type, m.maxEntries, m.entries});
    } else {
        spdlog::warn("Failed to read map fill levels: {}, ignoring", maps.error().message);
    }
    if (auto counters = datapath_->stats().counters()) {
        for (const auto& c : *counters) s.stats.push_back({c.name, c.packets});
    }
    if (auto drops = datapath_->stats().drops()) {
        for (const auto& d : *drops) s.stats.push_back({"drop_" + d.name, d.packets});
    }
    return s;
}

}  // namespace nodeplane::daemon
