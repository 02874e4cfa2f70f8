#include "daemon/daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/signalfd.h>

#include <algorithm>
#include <cstring>

#include "config/listen_address.h"
#include "daemon/policy_id_adoption.h"
#include "datapath/cgroup.h"
#include "datapath/netns_cookie.h"
#include "health/health_server.h"

namespace nodeplane::daemon {

ConntrackGcSettings conntrackGcSettings(const config::Config::Datapath::ConntrackAgeing& a) {
    using std::chrono::seconds;
    return {seconds(a.gcIntervalSeconds),
            {seconds(a.tcpSynSeconds), seconds(a.tcpEstablishedSeconds), seconds(a.tcpClosingSeconds),
             seconds(a.udpSeconds), seconds(a.udpStreamSeconds)}};
}

namespace {

// Link events come in bursts (a veth pair is several messages, a node starting
// pods is many); one reconcile pass after the burst does the same work once.
constexpr int kReconcilePriority = SD_EVENT_PRIORITY_IDLE;

}  // namespace

Daemon::Daemon(config::LoadedConfig config, std::string configPath)
    : config_(std::move(config)), configPath_(std::move(configPath)) {}

Daemon::~Daemon() = default;

Result<std::unique_ptr<Daemon>> Daemon::create(config::LoadedConfig config, std::string configPath) {
    std::unique_ptr<Daemon> d(new Daemon(std::move(config), std::move(configPath)));
    if (auto st = d->start(); !st) return st.error();
    return d;
}

Status Daemon::start() {
    const auto& cfg = config_.config;
    sd_event* loop = nullptr;
    if (int r = sd_event_default(&loop); r < 0) return Error::fromErrno(r, "Failed to create the event loop");
    loop_.reset(loop);
    // WATCHDOG=1 from the loop itself, at half of WatchdogSec: a hung loop stops petting.
    sd_event_set_watchdog(loop_.get(), true);
    if (auto st = setUpSignals(); !st) return st;
    // Before the health server: a node drained by hand answers 503 from its first request.
    resumeManualDrain();

    if (cfg.node.manageSysctls) {
        auto settings = netlink::nodeSysctls();
        if (!settings) return settings.error();
        if (auto st = netlink::applySysctls(sysctls_, *settings); !st) return st;
    }

    datapath::Options options{.bpffs = cfg.datapath.bpffs,
                              .maxLocalEndpoints = cfg.datapath.maxLocalEndpoints,
                              .maxInterfaces = cfg.datapath.maxInterfaces};
    options.maxServices = cfg.datapath.maxServices;
    options.maxBackends = cfg.datapath.maxBackendEntries;
    // Both halves of every set can be live while a batch of sets flips.
    options.maxBackendSlots = 2 * cfg.datapath.maxBackendEntries;
    options.maxConntrack = cfg.datapath.maxConntrackEntries;
    options.maxIpcache = cfg.datapath.maxIpcacheEntries;
    options.maxPolicyEntries = cfg.datapath.maxPolicyEntries;
    options.eventsRingBytes = cfg.observe.ringBufferBytes;
    // Datapath::open refuses a mark above half the ring; a small ring
    // ([observe] ring-buffer-bytes) wakes the reader at its half instead.
    options.eventsWakeupBytes = std::min(cfg.observe.wakeupBytes, cfg.observe.ringBufferBytes / 2);
    auto dp = datapath::Datapath::open(options);
    if (!dp) return dp.error();
    datapath_.emplace(std::move(dp).value());
    spdlog::info("Datapath loaded, pinned under {}", cfg.datapath.bpffs);
    // The socket hooks translate this namespace's sockets only: ours is the
    // node's. Pods' sockets are left to from_pod.
    auto netns = datapath::currentNetnsCookie();
    if (!netns) return netns.error();
    if (auto st = datapath_->setNodeNetnsCookie(*netns); !st) return st;
    // The service range: packets for its unallocated addresses are dropped.
    static_assert(config::kMaxClusterIpRanges == NP_MAX_CLUSTER_IP_RANGES);
    if (auto st = datapath_->setClusterIpRanges(cfg.services.clusterIpRanges); !st) return st;
    // A wrong [datapath] cgroup is a configuration error: refused here,
    // before the first state is applied and readiness reported. The hooks
    // themselves attach at the end of start().
    if (!cfg.datapath.cgroup.empty())
        if (auto cgroup = datapath::openCgroup2(cfg.datapath.cgroup); !cgroup) return cgroup.error();

    serviceReconciler_ = std::make_unique<ServiceReconciler>(ServiceTables{
        datapath_->services(), datapath_->backends(), datapath_->revNat(), datapath_->sourceRanges(),
        datapath_->conntrack()});
    if (auto st = serviceReconciler_->adopt(serviceIds_); !st) return st;
    // The policy maps are diffed against what a predecessor left; the
    // revision goes on from its value so its flows are decided again.
    policyReconciler_ = std::make_unique<PolicyReconciler>(PolicyTables{datapath_->ipcache(), datapath_->policy()});
    auto revision = datapath_->policyRevision();
    if (!revision) return revision.error();
    policyRevision_ = *revision;

    auto gc = ConntrackGcTimer::start(loop_.get(),
                                      {datapath_->conntrack(), datapath_->backends(), datapath_->revNat()},
                                      conntrackGcSettings(cfg.datapath.conntrack));
    if (!gc) return gc.error();
    conntrackGc_ = std::move(gc).value();

    auto routes = netlink::KernelRouteTable::open();
    if (!routes) return routes.error();
    routes_.emplace(std::move(routes).value());

    auto links = netlink::LinkWatcher::start(loop_.get(),
                                             [this](const netlink::LinkEvent& e) { onLinkEvent(e); });
    if (!links) return links.error();
    links_.emplace(std::move(links).value());

    if (auto st = resolveExternalInterfaces(); !st) return st;

    linkView_ = std::make_unique<WatchedLinks>(*links_);
    attacher_ = std::make_unique<DatapathAttacher>(*datapath_, *links_, sysctls_);
    reconciler_ = std::make_unique<Reconciler>(
        HostPorts{*linkView_, datapath_->localEndpoints(), *routes_, *attacher_}, externalInterfaceNames());

    sd_event_source* src = nullptr;
    if (int r = sd_event_add_defer(loop_.get(), &src, &Daemon::onDeferredReconcile, this); r < 0)
        return Error::fromErrno(r, "Failed to add the reconcile event");
    reconcileSource_.reset(src);
    sd_event_source_set_priority(src, kReconcilePriority);
    sd_event_source_set_enabled(src, SD_EVENT_OFF);

    auto listen = config::parseListenAddress(cfg.health.listen);
    if (!listen) return listen.error();
    auto healthServer = health::startHealthServer(loop_.get(), listen->ip, listen->port,
                                                  [this] { return healthView(); });
    if (!healthServer) return healthServer.error();
    health_ = std::move(healthServer).value();
    spdlog::info("Health server listening on {}", health_->describe());
    // healthCheckNodePorts on the same address; opened with the first state.
    serviceHealth_ = std::make_unique<health::ServiceHealthServers>(
        loop_.get(), listen->ip, [this] { return health::serviceProxyHealthy(healthView()); });

    auto control = bus::ControlServer::start(loop_.get(), *this,
                                             {.socketPath = cfg.control.socket, .systemBus = cfg.control.systemBus});
    if (!control) return control.error();
    control_ = std::move(control).value();
    spdlog::info("Control API on {}{}", cfg.control.socket, control_->onSystemBus() ? " and the system bus" : "");

    startShutdownInhibitor();
    // Before the first state, so its flows are named and logged.
    if (auto st = startObservability(); !st) return st;
    if (cfg.state.source == config::StateSource::Kubernetes) {
        // The first state arrives from the feed (or the last-known snapshot) on the loop.
        auto source = KubeStateSource::start(
            loop_.get(), cfg,
            [this](const state::Model& model, InputErrors errors, const state::SnapshotChanges& changes,
                   const StateOrigin& origin) { return applyState(model, std::move(errors), changes, origin); });
        if (!source) return source.error();
        kubeSource_ = std::move(source).value();
    } else {
        if (auto st = watchSnapshot(); !st) return st;
        (void)loadAndApply("start");
    }
    // External interfaces are attached even before a first state, so the node
    // is ready for traffic the moment the state arrives.
    reconcileNow();
    return attachSocketHooks();
}

Status Daemon::attachSocketHooks() {
    // After the first state: hooks adopted from a predecessor get the new
    // programs only once the service maps they read are filled.
    const auto& cgroup = config_.config.datapath.cgroup;
    if (cgroup.empty()) {
        if (auto st = datapath_->detachSocketHooks(); !st) return st;
        spdlog::info("Socket-level service translation is off ([datapath] cgroup is empty)");
        return {};
    }
    if (auto st = datapath_->attachSocketHooks(cgroup); !st) return st;
    spdlog::info("Socket hooks attached to the cgroup {}: its processes' connections to services go straight "
                 "to a backend", cgroup);
    return {};
}

Status Daemon::resolveExternalInterfaces() {
    auto& names = config_.config.node.externalInterfaces;
    if (!names.empty()) return {};
    // config.md: the default is the interface of the default route.
    auto socket = netlink::NetlinkSocket::open(NETLINK_ROUTE);
    if (!socket) return socket.error();
    auto ifindex = netlink::defaultRouteInterface(*socket);
    if (!ifindex) return ifindex.error();
    if (!*ifindex) {
        spdlog::warn("No [node] external-interfaces and no IPv4 default route: no external interface, ignoring");
        return {};
    }
    auto link = links_->link(**ifindex);
    if (!link) return Error::logical("The default route's interface " + std::to_string(**ifindex) + " vanished");
    names.push_back(link->name);
    spdlog::info("External interface: '{}' (the default route's)", link->name);
    return {};
}

Status Daemon::setUpSignals() {
    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, sig);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) < 0) return Error::fromErrno(errno, "Failed to block signals");
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) {
        sd_event_source* src = nullptr;
        if (int r = sd_event_add_signal(loop_.get(), &src, sig, &Daemon::onSignal, this); r < 0)
            return Error::fromErrno(r, "Failed to watch signal " + std::to_string(sig));
        signalSources_.emplace_back(src);
    }
    return {};
}

Status Daemon::watchSnapshot() {
    auto watcher = SnapshotWatcher::create(loop_.get(), config_.config.state.snapshot,
                                           [this] { (void)loadAndApply("snapshot changed"); });
    if (!watcher) return watcher.error();
    snapshotWatcher_ = std::move(watcher).value();
    return {};
}

std::vector<std::string> Daemon::externalInterfaceNames() const {
    return config_.config.node.externalInterfaces;
}

Result<std::string> Daemon::loadAndApply(const char* why) {
    if (kubeSource_) return kubeSource_->applyNow(why);
    const auto& path = config_.config.state.snapshot;
    const auto began = std::chrono::steady_clock::now();
    // Only the files that changed since the last load are parsed again.
    const auto& loaded = snapshots_.load(path);
    const std::string detail = std::to_string(snapshots_.lastParsed()) + " of " +
                               std::to_string(loaded.files.size()) + " files parsed";
    return applyState(loaded.model, loaded.errors, snapshots_.lastChanges(), {path, detail, why, began});
}

Result<std::string> Daemon::applyState(const state::Model& model, InputErrors errors,
                                       const state::SnapshotChanges& changes, const StateOrigin& origin) {
    const auto& path = origin.name;
    const char* why = origin.why;
    const auto began = origin.began;
    uncompiled_.add(changes);
    if (changes.policyInputs()) policyInputsChanged_ = true;
    const auto parsed = std::chrono::steady_clock::now();
    if (errors.empty() && model.node != config_.config.node.name) {
        errors.push_back({path, 0, 0, "", "node",
                          "the state is for node '" + model.node + "', but this is node '" +
                              config_.config.node.name + "' ([node] name)"});
    }
    compiler::CompileResult compiled;
    // The services whose inputs changed since the last compile, unless that is unknown.
    std::optional<std::set<state::ObjectKey>> touched;
    if (errors.empty() && !uncompiled_.everything) touched = uncompiled_.servicesTouched();
    // Services whose inputs did not change since the last load keep their
    // compiled form; valid until the next compile.
    const compiler::ServicesResult* services = nullptr;
    if (errors.empty()) {
        adoptEndpointIdsOnce(model, datapath_->localEndpoints(), endpointIds_);
        compiled = compiler::compileNode(model, {.maxLocalEndpoints = config_.config.datapath.maxLocalEndpoints},
                                         endpointIds_);
        services = &serviceCompiler_.compile(model,
                                             {.maxBackendEntries = config_.config.datapath.maxBackendEntries,
                                              .maxServices = config_.config.datapath.maxServices},
                                             touched ? &*touched : nullptr);
        uncompiled_ = state::SnapshotChanges{};
        errors = compiled.errors;
        errors.insert(errors.end(), services->errors.begin(), services->errors.end());
        if (errors.empty()) errors = compilePolicy(model, compiled.desired);
        for (auto& e : errors)
            if (e.file.empty()) e.file = path;
        for (const auto& w : services->warnings) spdlog::warn("{}", w.toString());
        for (auto& w : compiled.warnings) {
            if (w.file.empty()) w.file = path;
            spdlog::warn("{}", w.toString());
        }
    }
    if (!errors.empty()) {
        lastRefusal_ = formatInputErrors(errors);
        spdlog::error("State refused ({}, {}), keeping {}:\n{}", why, path,
                      generation_ ? "generation " + std::to_string(generation_) : std::string("no state"),
                      lastRefusal_);
        notifier_.status(summary());
        return Error::logical(lastRefusal_);
    }
    const auto compiledAt = std::chrono::steady_clock::now();
    desired_ = std::move(compiled.desired);
    lastRefusal_.clear();
    // Only a valid state is a pending change: a refused one never reaches the
    // maps by design (the node serves the last good state, status says why),
    // so it must not fail /healthz (docs/operations.md, Health checks).
    pendingChange_.notice(began);
    applyPolicyAndEndpoints();
    if (applyServices(*services, model)) {
        pendingChange_.applied();
        appliedAt_ = std::chrono::system_clock::now();
        syncServiceHealth(services->desired);
    }
    if (flowReporting_) {
        flowReporting_->stateApplied(model);
        flowReporting_->counters().applySeconds.observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    }
    ++generation_;
    auto ms = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
    spdlog::info("Applied generation {} ({}, {}): {} local endpoints on {} pod interfaces; {} ({:.1f} ms), "
                 "{} of {} services compiled ({:.1f} ms), applied in {:.1f} ms",
                 generation_, why, path, desired_->localEndpoints.size(), desired_->podInterfaces.size(),
                 origin.detail, ms(began, parsed), serviceCompiler_.lastCompiled(), model.services.size(),
                 ms(parsed, compiledAt), ms(compiledAt, std::chrono::steady_clock::now()));
    updatePhase();
    updateNodeDrain(model);
    return "applied generation " + std::to_string(generation_);
}

bool Daemon::applyServices(const compiler::ServicesResult& services, const state::Model& model) {
    std::vector<IpAddress> nodeAddresses;
    if (const auto* self = model.thisNode()) nodeAddresses = self->addresses;
    // Masqueraded and hairpinned flows leave with the node's first IPv4
    // address (its InternalIP when it has one): the address other nodes
    // route back to.
    std::optional<IpAddress> masquerade;
    for (const auto& a : nodeAddresses)
        if (a.isV4()) {
            masquerade = a;
            break;
        }
    bool complete = true;
    if (auto set = datapath_->setMasqueradeAddress(masquerade); !set) {
        spdlog::error("Failed to set the masquerade address: {}", set.error().message);
        complete = false;
    }
    // Services compiled anew since the last plan: when the last plan and
    // the maps allow it only theirs are planned and written.
    const auto changed = serviceCompiler_.takeChanged();
    const bool shared = !services.warnings.empty();
    std::optional<ServiceMapsDelta> delta;
    if (!changed.all && serviceReconciler_->applied())
        delta = planServiceChanges(services.desired, nodeAddresses, changed.services, *serviceReconciler_->applied(),
                                   serviceIds_, shared);
    auto report = delta ? serviceReconciler_->applyChanges(*delta)
                        : serviceReconciler_->apply(planServiceMaps(services.desired, nodeAddresses, serviceIds_, shared));
    if (!report) {
        // The compiler checked capacity, so this is the kernel refusing a
        // write; the next reload retries from what the maps then hold.
        spdlog::error("Failed to program services: {}", report.error().message);
        return false;
    }
    if (report->writes || report->removals)
        spdlog::debug("Services ({}): {} writes, {} removals, {} flows of removed backends cut",
                      delta ? std::to_string(changed.services.size()) + " changed planned" : std::string("all planned"),
                      report->writes, report->removals, report->flowsCut);
    return complete;
}

void Daemon::scheduleReconcile() {
    if (reconcileSource_) sd_event_source_set_enabled(reconcileSource_.get(), SD_EVENT_ONESHOT);
}

void Daemon::reconcileNow() {
    auto report = desired_ ? reconciler_->apply(*desired_) : reconciler_->attachExternalOnly();
    pendingInterfaces_ = report.pendingInterfaces;
    // Right after our programs replaced the previous ones: what those tracked
    // meanwhile goes into the maps a size change migrated; with a state in
    // place every interface runs ours (datapath/map_migration.h).
    if (report.attached > 0) {
        auto caughtUp = datapath_->catchUpMigratedMaps(desired_.has_value());
        if (!caughtUp) spdlog::warn("{}, ignoring", caughtUp.error().message);
        else
            for (const auto& line : *caughtUp) spdlog::info("Migrated map caught up: {}", line);
    }
    if (report.changedAnything())
        spdlog::debug("Reconciled: {} endpoints written, {} removed, {} routes written, {} removed, {} attached, "
                      "{} detached, {} pending",
                      report.endpointsWritten, report.endpointsRemoved, report.routesWritten, report.routesRemoved,
                      report.attached, report.detached, report.pendingInterfaces.size());
    updatePhase();
}

void Daemon::updatePhase() {
    if (phase_ != Phase::Starting || generation_ == 0) return;
    // Serving needs every external interface attached: NodePort and load
    // balancer traffic arrives there.
    for (const auto& name : externalInterfaceNames()) {
        auto ifindex = links_->ifindexOf(name);
        if (!ifindex || !reconciler_->attachedExternal().contains(*ifindex)) return;
    }
    phase_ = Phase::Serving;
    spdlog::info("Serving: datapath attached and generation {} applied", generation_);
    notifier_.ready(summary());
}

void Daemon::onLinkEvent(const netlink::LinkEvent& event) {
    if (event.removed) {
        if (reconciler_) reconciler_->linkRemoved(event.link.ifindex);
        if (datapath_) (void)datapath_->stats().forgetInterface(event.link.ifindex);
    }
    // Renames count too: "eth0" may become the external interface under its
    // new name, and a pod's host end is often renamed right after creation.
    scheduleReconcile();
}

int Daemon::onDeferredReconcile(sd_event_source*, void* userdata) noexcept {
    auto* self = static_cast<Daemon*>(userdata);
    try {
        self->reconcileNow();
    } catch (const std::exception& e) {
        spdlog::error("Reconcile failed: {}", e.what());
    }
    return 0;
}

Result<std::string> Daemon::reload() {
    notifier_.reloading();
    auto configResult = reloadConfig();
    if (!configResult) {
        notifier_.reloaded(summary());
        return configResult.error();
    }
    auto applied = loadAndApply("reload");
    notifier_.reloaded(summary());
    return applied;
}

int Daemon::onSignal(sd_event_source*, const struct signalfd_siginfo* si, void* userdata) noexcept {
    auto* self = static_cast<Daemon*>(userdata);
    try {
        switch (si->ssi_signo) {
            case SIGHUP: {
                spdlog::info("SIGHUP: reloading configuration and snapshot");
                (void)self->reload();
                break;
            }
            case SIGINT:
                // A second Ctrl-C skips the drain; systemd's SIGTERM never does.
                self->beginStop("SIGINT", self->drain_.exiting());
                break;
            default: self->beginStop("SIGTERM", false); break;
        }
    } catch (const std::exception& e) {
        spdlog::error("Signal handling failed: {}", e.what());
    }
    return 0;
}

void Daemon::beginStop(const char* why, bool immediate) {
    if (immediate) {
        phase_ = Phase::Stopping;
        sd_event_exit(loop_.get(), exitCode_);
        return;
    }
    if (phase_ == Phase::Stopping) return;
    // A repeated SIGTERM changes nothing; a stop during a manual drain
    // exits drain-seconds after that drain began (daemon_drain.cpp).
    (void)applyDrain(drain_.begin(DrainReason::Stop, std::chrono::steady_clock::now()), why);
}

int Daemon::run() {
    int r = sd_event_loop(loop_.get());
    // Denials still folding are written, not lost with the process.
    if (flowReporting_) flowReporting_->flush();
    if (r < 0) {
        spdlog::error("Event loop failed: {}", std::strerror(-r));
        return 1;
    }
    return r;
}

health::HealthView Daemon::healthView() const {
    health::HealthView view;
    // Stop, shutdown and node deletion make the phase draining; a manual
    // drain keeps the daemon serving its datapath but not its health.
    // The autoscaler's taint fails nodeEligible only, as in kube-proxy.
    view.serving = phase_ == Phase::Serving && !drain_.has(DrainReason::Manual);
    // Staleness is computed per request, so it shows the moment it passes the bound.
    view.changeLate = health::changeLate(pendingChange_.since(), std::chrono::steady_clock::now(),
                                         std::chrono::seconds{config_.config.health.maxPendingSeconds});
    view.stateFresh = generation_ > 0 && !view.changeLate;
    view.nodeEligible = desired_ ? desired_->nodeEligible : true;
    view.loopAlive = phase_ != Phase::Stopping;
    view.lastUpdated = appliedAt_;
    return view;
}

std::string Daemon::summary() const {
    std::string s = std::string(toString(phase_)) + ", node " + config_.config.node.name;
    s += generation_ ? ", generation " + std::to_string(generation_) : ", no state applied";
    if (desired_) s += ", " + std::to_string(desired_->localEndpoints.size()) + " local endpoints";
    if (!lastRefusal_.empty()) s += ", last snapshot refused";
    return s;
}

}  // namespace nodeplane::daemon
