// What the daemon reports over the control API: its phase and state, each
// interface with the programs the kernel really has attached there, map fill
// levels, the datapath's counters and conntrack pressure; and the listings
// of what the service maps and conntrack hold.
#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "daemon/daemon.h"
#include "daemon/datapath_listing.h"
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
    s.drain = drainStatus();
    s.generation = generation_;
    if (appliedAt_)
        s.appliedUsec = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(appliedAt_->time_since_epoch()).count());
    s.lastRefusedReload = lastRefusal_;
    s.pendingInterfaces = pendingInterfaces_;
    if (kubeSource_) s.feed = kubeSource_->status();

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

    s.conntrack = conntrackGc_->pressure();
    // Counting walks every map (a million entries at scale, tens of ms with
    // the loop held): a monitor polling status must not hold up reloads, so
    // counts are reused for up to kMapCountsMaxAge.
    const auto now = std::chrono::steady_clock::now();
    if (!mapCountsAt_ || now - *mapCountsAt_ >= kMapCountsMaxAge) {
        if (auto maps = datapath_->maps()) {
            mapCounts_.clear();
            for (const auto& m : *maps) mapCounts_.push_back({m.name, m.type, m.maxEntries, m.entries});
            mapCountsAt_ = now;
        } else {
            spdlog::warn("Failed to read map fill levels: {}, ignoring", maps.error().message);
        }
    }
    s.maps = mapCounts_;
    for (const auto& m : s.maps)
        // Counted within a second, fresher than the last ageing pass's count.
        if (m.name == NP_MAP_CONNTRACK) s.conntrack.entries = m.entries;
    if (auto counters = datapath_->stats().counters()) {
        for (const auto& c : *counters) s.stats.push_back({c.name, c.packets});
    }
    if (auto drops = datapath_->stats().drops()) {
        for (const auto& d : *drops) s.stats.push_back({"drop_" + d.name, d.packets});
    }
    return s;
}

Result<std::vector<bus::ServiceRecord>> Daemon::listServices() {
    auto frontends = datapath_->services().list();
    if (!frontends) return frontends.error();
    std::map<std::uint32_t, std::vector<datapath::BackendId>> sets;
    for (const auto& [key, entry] : *frontends) {
        if (sets.contains(entry.value.serviceId)) continue;
        auto set = datapath_->services().backendSet(entry.value.serviceId);
        if (!set) return set.error();
        sets.emplace(entry.value.serviceId, std::move(*set));
    }
    auto backends = datapath_->backends().list();
    if (!backends) return backends.error();
    return describeServices(*frontends, sets, *backends);
}

Result<bus::ConntrackListing> Daemon::listConntrack() {
    auto entries = datapath_->conntrack().list();
    if (!entries) return entries.error();
    auto backends = datapath_->backends().list();
    if (!backends) return backends.error();
    auto frontends = datapath_->revNat().list();
    if (!frontends) return frontends.error();
    return describeConntrack(*entries, *backends, *frontends, monotonicNowNs(), conntrackGc_->settings().timeouts,
                             bus::kMaxListedConntrackEntries);
}

Result<std::uint64_t> Daemon::flushConntrack() {
    auto removed = datapath_->conntrack().flush();
    if (!removed) return removed.error();
    conntrackGc_->recordFlush();
    spdlog::info("Conntrack flushed on request: {} entries removed", *removed);
    return static_cast<std::uint64_t>(*removed);
}

}  // namespace nodeplane::daemon
