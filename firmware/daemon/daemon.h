// nodeplaned's core: one sd-event loop that owns every source (signals,
// netlink link events, the snapshot watcher, the health server, the control
// API) and drives the one-way state flow
//   snapshot -> Model -> compiler -> DesiredNode -> Reconciler -> kernel.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "bus/control_handler.h"
#include "bus/control_server.h"
#include "common/event.h"
#include "common/result.h"
#include "compiler/desired_node.h"
#include "compiler/service_compile_cache.h"
#include "compiler/services.h"
#include "config/config.h"
#include "daemon/conntrack_gc_timer.h"
#include "daemon/drain.h"
#include "daemon/flow_reporting.h"
#include "daemon/kube_state_source.h"
#include "daemon/kernel_adapters.h"
#include "daemon/lifecycle.h"
#include "daemon/policy_reconciler.h"
#include "daemon/reconciler.h"
#include "daemon/service_plan.h"
#include "daemon/service_reconciler.h"
#include "daemon/shutdown_inhibitor.h"
#include "daemon/snapshot_watcher.h"
#include "datapath/datapath.h"
#include "health/freshness.h"
#include "health/health_answer.h"
#include "health/http_listener.h"
#include "health/service_health_servers.h"
#include "metrics/datapath_source.h"
#include "netlink/link_watcher.h"
#include "netlink/route_table.h"
#include "netlink/sysctl.h"
#include "policy/policy_compiler.h"
#include "policy/policy_ids.h"
#include "state/snapshot_cache.h"

namespace nodeplane::daemon {

// [datapath] conntrack-* as the ageing timer takes them.
ConntrackGcSettings conntrackGcSettings(const config::Config::Datapath::ConntrackAgeing& ageing);

class Daemon final : public bus::ControlHandler {
public:
    // Builds everything that can fail at start (config errors, bpffs, binding
    // the health port, the control socket) and reports the first failure.
    static Result<std::unique_ptr<Daemon>> create(config::LoadedConfig config, std::string configPath);
    ~Daemon() override;

    // Runs the loop until stopped; returns the process exit code.
    int run();

    // bus::ControlHandler
    bus::NodeStatus status() override;
    Result<std::string> reload() override;
    Result<std::vector<bus::ServiceRecord>> listServices() override;
    Result<bus::ConntrackListing> listConntrack() override;
    Result<std::uint64_t> flushConntrack() override;
    Result<std::vector<bus::IdentityRecord>> listIdentities() override;
    Result<bus::EndpointPolicyRecord> policyOf(const std::string& pod) override;
    Result<bus::DrainOutcome> drain() override;
    Result<bus::DrainOutcome> undrain() override;

private:
    Daemon(config::LoadedConfig config, std::string configPath);
    Status start();
    Status setUpSignals();
    Status resolveExternalInterfaces();
    Status watchSnapshot();
    // [datapath] cgroup: the socket hooks for the node's own connections.
    Status attachSocketHooks();
    // Flow events, the policy action log, the flow stream and /metrics
    // (daemon_observe.cpp).
    Status startObservability();
    std::string renderMetrics() const;

    // Reads the snapshot (or takes the API server's state) and applies it,
    // or refuses it whole and keeps the last good state. Returns the refusal.
    Result<std::string> loadAndApply(const char* why);
    // The one path every state takes to the datapath, whatever its source:
    // compile, refuse whole on any error, else apply. `changes` are what
    // differs from the state given last (valid or not).
    Result<std::string> applyState(const state::Model& model, InputErrors errors,
                                   const state::SnapshotChanges& changes, const StateOrigin& origin);
    Result<std::string> reloadConfig();
    // Plans and applies the services compiled last: only those that changed
    // when the last plan and the maps allow it, else all of them.
    // Returns whether the maps took all of it.
    bool applyServices(const compiler::ServicesResult& services, const state::Model& model);
    // The healthCheckNodePort listeners for the services applied last
    // (daemon_health.cpp).
    void syncServiceHealth(const compiler::DesiredServices& services);
    // Compiles the model's NetworkPolicies for the endpoints of `node` and
    // gives those endpoints their identities and isolation; errors when the
    // result does not fit the maps.
    InputErrors compilePolicy(const state::Model& model, compiler::DesiredNode& node);
    // Applies the endpoints (reconcileNow) between writing the new policy
    // entries and removing the old, then raises the policy revision.
    void applyPolicyAndEndpoints();
    void scheduleReconcile();
    void reconcileNow();
    void updatePhase();
    void onLinkEvent(const netlink::LinkEvent& event);
    void beginStop(const char* why, bool immediate);
    // Drain (daemon_drain.cpp): a manual drain left by the previous daemon,
    // the logind lock, the snapshot's own Node, and acting on what changed
    // (marker file, exit timer, sd_notify). applyDrain's error is the
    // marker's: the drain itself always takes effect.
    void resumeManualDrain();
    void startShutdownInhibitor();
    void onShutdownAnnounced();
    void updateNodeDrain(const state::Model& model);
    Status applyDrain(const DrainController::Change& change, const std::string& why);
    bus::DrainStatus drainStatus() const;
    health::HealthView healthView() const;
    std::string summary() const;
    std::vector<std::string> externalInterfaceNames() const;

    static int onSignal(sd_event_source*, const struct signalfd_siginfo* si, void* self) noexcept;
    static int onDeferredReconcile(sd_event_source*, void* self) noexcept;
    static int onDrained(sd_event_source*, uint64_t usec, void* self) noexcept;

    config::LoadedConfig config_;
    std::string configPath_;
    EventLoopPtr loop_;
    std::vector<EventSourcePtr> signalSources_;
    EventSourcePtr reconcileSource_;
    EventSourcePtr drainTimer_;
    DrainController drain_{std::chrono::seconds{30}};  // set from [lifecycle] drain-seconds at start
    std::unique_ptr<ShutdownInhibitor> shutdownInhibitor_;

    netlink::Sysctls sysctls_;
    std::optional<datapath::Datapath> datapath_;
    std::optional<netlink::LinkWatcher> links_;
    std::optional<netlink::KernelRouteTable> routes_;
    std::unique_ptr<WatchedLinks> linkView_;
    std::unique_ptr<DatapathAttacher> attacher_;
    std::unique_ptr<Reconciler> reconciler_;
    std::unique_ptr<ServiceReconciler> serviceReconciler_;
    std::unique_ptr<PolicyReconciler> policyReconciler_;
    policy::PolicyIds policyIds_;
    std::optional<policy::DesiredPolicy> policy_;  // of the last good state
    std::uint32_t policyRevision_ = 0;             // what np_policy_config holds
    std::unique_ptr<ConntrackGcTimer> conntrackGc_;
    ServiceIds serviceIds_;
    std::unique_ptr<SnapshotWatcher> snapshotWatcher_;
    std::unique_ptr<KubeStateSource> kubeSource_;  // [state] source = "kubernetes"
    std::unique_ptr<health::HttpListener> health_;
    std::unique_ptr<health::ServiceHealthServers> serviceHealth_;
    // A valid state not yet fully in the maps (a write the kernel refused):
    // /healthz fails once it waits longer than [health] max-pending-seconds.
    health::PendingChange pendingChange_;
    std::unique_ptr<bus::ControlServer> control_;
    std::unique_ptr<FlowReporting> flowReporting_;
    std::unique_ptr<metrics::LoadedDatapathSource> metricsSource_;
    std::unique_ptr<health::HttpListener> metrics_;

    state::SnapshotCache snapshots_;
    // What changed in the snapshot since the model the services were last
    // compiled from (loads refused before compiling add up here).
    state::SnapshotChanges uncompiled_;
    // Whether a load since the last accepted policy compile changed what
    // the policy compiler reads from the snapshot (nodes, namespaces, pods,
    // NetworkPolicies); with the local endpoints and [policy] it compiled
    // for, this lets a service-only change skip even the inputs digest.
    bool policyInputsChanged_ = true;
    std::vector<compiler::LocalEndpoint> policyEndpoints_;  // as last compiled for, before annotation
    std::optional<policy::PolicyOptions> policyOptions_;     // as last compiled with
    compiler::ServiceCompileCache serviceCompiler_;
    compiler::EndpointIdAllocator endpointIds_;
    std::optional<compiler::DesiredNode> desired_;  // of the last good state
    std::vector<std::string> pendingInterfaces_;
    std::uint64_t generation_ = 0;
    std::optional<std::chrono::system_clock::time_point> appliedAt_;
    std::string lastRefusal_;
    static constexpr std::chrono::milliseconds kMapCountsMaxAge{1000};
    std::vector<bus::MapStatus> mapCounts_;  // the maps' fill levels as last counted
    std::optional<std::chrono::steady_clock::time_point> mapCountsAt_;
    Phase phase_ = Phase::Starting;
    SystemdNotifier notifier_;
    int exitCode_ = 0;
};

}  // namespace nodeplane::daemon
