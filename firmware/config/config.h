// The daemon's configuration (config.md): one TOML file plus PATH.d/*.toml
// drop-ins merged over it in name order. Keys are kebab-case; an unknown
// table or key, a wrong type or a bad value is an error naming file, line,
// column, table and key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "common/ip.h"

namespace nodeplane::config {

enum class StateSource { Snapshot, Kubernetes };

// [services] cluster-ip-ranges holds at most this many prefixes (the
// datapath's NP_MAX_CLUSTER_IP_RANGES).
inline constexpr std::size_t kMaxClusterIpRanges = 16;
// A shorter prefix is a typo: it would drop most of the address space.
inline constexpr int kMinClusterIpRangeV4Length = 8;
inline constexpr int kMinClusterIpRangeV6Length = 64;
// [observe] ring-buffer-bytes: a BPF ring buffer is a power of two of at
// least a page; above 1 GiB it is a typo.
inline constexpr std::uint32_t kMinRingBufferBytes = 4096;
inline constexpr std::uint32_t kMaxRingBufferBytes = 1u << 30;

struct Config {
    struct Node {
        std::string name;                             // default: the lowercased host name (set by loadConfig)
        std::vector<std::string> externalInterfaces;  // empty: the default route's interface
        bool manageSysctls = true;                    // set forwarding sysctls in our netns
    } node;

    struct State {
        StateSource source = StateSource::Snapshot;
        std::string snapshot = "/etc/nodeplane/state.toml";  // file or directory of *.toml; absolute
    } state;

    struct Kubernetes {
        std::string kubeconfig;  // empty: in-cluster service account; else absolute
        std::string lastKnown = "/var/lib/nodeplane/last-known.toml";
    } kubernetes;

    struct Datapath {
        std::string bpffs = "/sys/fs/bpf/nodeplane";
        std::uint32_t maxLocalEndpoints = 65536;   // local pod addresses, 1..1048576
        std::uint32_t maxInterfaces = 4096;        // interfaces with counters, 1..65536
        std::uint32_t maxServices = 100000;        // service frontends, 1..1048576
        std::uint32_t maxBackendEntries = 1048576; // backends and backend slots, 1..16777216
        std::uint32_t maxConntrackEntries = 1048576;  // tracked connections, 1..16777216
        std::uint32_t maxPolicyEntries = 1048576;     // policy map entries, all local pods, 1..16777216
        std::uint32_t maxIpcacheEntries = 262144;     // addresses and ipBlock prefixes, 1..16777216
        // The cgroup v2 directory whose sockets (this one's and all below)
        // get socket-level service translation; absolute, or "" for none.
        std::string cgroup = "/sys/fs/cgroup";
        // Conntrack ageing (configuration.md): how often the daemon walks
        // np_conntrack_v2, and how long a flow may stay idle in each state
        // before it is removed. Seconds; applied at once on reload.
        struct ConntrackAgeing {
            std::uint32_t gcIntervalSeconds = 10;         // 1..3600
            std::uint32_t tcpSynSeconds = 60;             // no reply yet, 1..604800
            std::uint32_t tcpEstablishedSeconds = 21600;  // 1..604800
            std::uint32_t tcpClosingSeconds = 60;         // FIN or RST seen, 1..604800
            std::uint32_t udpSeconds = 30;                // no reply yet, 1..604800
            std::uint32_t udpStreamSeconds = 120;         // replies seen, 1..604800

            bool operator==(const ConntrackAgeing&) const = default;
        } conntrack;
    } datapath;

    struct Services {
        // The service range (kube-apiserver's --service-cluster-ip-range):
        // a packet for an address in it that no ClusterIP holds is dropped,
        // as kube-proxy does. CIDRs with host bits 0, at most
        // kMaxClusterIpRanges, no duplicates; IPv6 ones are accepted and not
        // used yet (IPv4 datapath). Empty: no such drop. Applied on reload.
        std::vector<IpPrefix> clusterIpRanges;
    } services;

    struct Policy {
        // The node may open connections to its own pods even when their
        // policies isolate them (kubelet's probes come from the node).
        // Applied on reload.
        bool allowFromHost = true;
    } policy;

    struct Health {
        // Validated "IP:port" ("[::]:10256" for IPv6); parseListenAddress()
        // (config/listen_address.h) turns it into an address.
        std::string listen = "0.0.0.0:10256";
        // /healthz fails once a change noticed in the state has waited this
        // long without reaching the datapath (kube-proxy's healthz timeout,
        // twice its 30 s sync period); 0: a pending change never fails it.
        // 0..3600.
        std::uint32_t maxPendingSeconds = 60;
    } health;

    struct Lifecycle {
        std::uint32_t drainSeconds = 30;  // 0..3600
        // `nodeplanectl drain` leaves this file so a restarted daemon stays
        // drained; under /run so a reboot clears it. Absolute.
        std::string drainMarker = "/run/nodeplane/drained";
        // Take a logind "delay" inhibitor for shutdown and drain before the
        // system powers off (needs logind's InhibitDelayMaxSec > drainSeconds).
        bool shutdownInhibitor = true;
    } lifecycle;

    struct Control {
        std::string socket = "/run/nodeplane/control.sock";  // absolute, fits sockaddr_un
        bool systemBus = true;  // also serve on the system bus when one runs
    } control;

    struct Observe {
        // The live flow stream `nodeplanectl observe` reads: absolute, fits
        // sockaddr_un, made 0600 (root only: flows name every pod's peers).
        std::string socket = "/run/nodeplane/observe.sock";
        bool events = true;  // the datapath writes flow events at all
        // np_events_v1's size: a power of two, kMinRingBufferBytes..kMaxRingBufferBytes.
        std::uint32_t ringBufferBytes = 4194304;
        // The reader is woken once this many bytes of records wait (and
        // reads the rest on a 100 ms timer): one wakeup per ~540 records
        // instead of one each. 0 wakes it for every record. The daemon uses
        // at most half the ring. 0..kMaxRingBufferBytes / 2.
        std::uint32_t wakeupBytes = 65536;
    } observe;

    struct Metrics {
        // Prometheus text on http://<listen>/metrics, "IP:port" as [health]
        // listen takes it; "" serves none.
        std::string listen = "127.0.0.1:9965";
    } metrics;

    // The policy action log (configuration.md), with the semantics of GKE's
    // NetworkLogging object: off by default. Applied on reload.
    struct PolicyLogging {
        struct Action {
            bool log = false;
            // Only with log: allows are logged when an allowing policy has
            // policy.network.gke.io/enable-logging: "true"; denials when the
            // namespace has policy.network.gke.io/enable-deny-logging: "true".
            bool delegate = false;

            bool operator==(const Action&) const = default;
        };
        Action allow;
        Action deny;
        std::string file = "/var/log/network/policy_action.log";  // absolute, or "" for no file
        std::uint64_t fileMaxBytes = 10485760;  // rotate before passing this, 4096..1 TiB
        std::uint32_t fileBackups = 5;          // .1 .. .N kept, 0..100
        std::uint32_t maxRecordsPerSecond = 500;  // per node, 1..1000000; more are dropped and counted
        bool journal = true;                      // also write each record to the journal
        std::uint32_t denyAggregationSeconds = 5;  // 0..3600; 0 writes each denial at once

        bool operator==(const PolicyLogging&) const = default;
    } policyLogging;

    struct Log {
        std::string level = "info";  // trace|debug|info|warn|error
    } log;
};

struct LoadedConfig {
    Config config;
    std::vector<std::string> files;  // the main file, then the drop-ins applied
};

// Reads `path` and `path.d/*.toml`. On any error nothing is returned but the
// errors, each naming file, line, column and key.
struct ConfigLoadResult {
    bool ok() const { return errors.empty(); }
    LoadedConfig loaded;
    InputErrors errors;
};

// A missing main file is an error; a missing PATH.d is not. Every file is
// checked even after an error, so all errors come back at once. Sets
// node.name to the host name when no file sets it.
ConfigLoadResult loadConfig(const std::string& path);

// Parses one TOML document's text over `base` (for tests and for drop-ins):
// only the keys it sets change. On any error `base` is left untouched and
// the errors, in file order, are returned.
InputErrors applyConfigText(Config& base, const std::string& text, const std::string& fileName);

}  // namespace nodeplane::config
