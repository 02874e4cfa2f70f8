// applyConfigText(): one configuration document read strictly over a base.
// One function per table; each reads every key it knows, so the reader can
// report the rest as unknown.
#include <sys/un.h>

#include <algorithm>

#include "config/config.h"
#include "config/listen_address.h"
#include "config/name_syntax.h"
#include "config/table_reader.h"
#include "config/toml_document.h"

namespace nodeplane::config {
namespace {

// Beyond these a value is a typo, not a choice.
constexpr std::int64_t kMaxDrainSeconds = 3600;
constexpr std::int64_t kMaxPendingSeconds = 3600;
constexpr std::int64_t kMaxLocalEndpoints = 1 << 20;
constexpr std::int64_t kMaxInterfaces = 1 << 16;
constexpr std::int64_t kMaxServices = 1 << 20;
constexpr std::int64_t kMaxBackendEntries = 1 << 24;
constexpr std::int64_t kMaxConntrackEntries = 1 << 24;
constexpr std::int64_t kMaxPolicyEntries = 1 << 24;
constexpr std::int64_t kMaxIpcacheEntries = 1 << 24;
constexpr std::int64_t kMaxConntrackGcIntervalSeconds = 3600;
constexpr std::int64_t kMinPolicyLogFileBytes = 4096;
constexpr std::int64_t kMaxPolicyLogFileBytes = std::int64_t{1} << 40;
constexpr std::int64_t kMaxPolicyLogFileBackups = 100;
constexpr std::int64_t kMaxPolicyLogRecordsPerSecond = 1000000;
constexpr std::int64_t kMaxDenyAggregationSeconds = 3600;
// A week: longer than nf_conntrack's 5-day established default.
constexpr std::int64_t kMaxConntrackTimeoutSeconds = 7 * 24 * 3600;
// sockaddr_un.sun_path holds the path and its terminating NUL.
constexpr std::size_t kMaxSocketPathBytes = sizeof(sockaddr_un{}.sun_path) - 1;

template <typename T, typename U>
void assign(T& target, std::optional<U>&& value) {
    if (value) target = static_cast<T>(std::move(*value));
}

Result<std::string> absolutePath(std::string_view text) {
    if (text.empty()) return Error::logical("must not be empty");
    if (text.front() != '/') return Error::logical("'" + std::string(text) + "' is not an absolute path");
    return std::string(text);
}

Result<std::string> emptyOrAbsolutePath(std::string_view text) {
    if (text.empty()) return std::string();
    return absolutePath(text);
}

Result<std::string> socketPath(std::string_view text) {
    auto path = absolutePath(text);
    if (path.ok() && path->size() > kMaxSocketPathBytes)
        return Error::logical("'" + *path + "' is longer than a socket path can be (" +
                              std::to_string(kMaxSocketPathBytes) + " bytes)");
    return path;
}

Result<std::string> listenAddress(std::string_view text) {
    auto parsed = parseListenAddress(text);
    if (!parsed.ok()) return parsed.error();
    return std::string(text);
}

Result<std::string> nodeName(std::string_view text) {
    Status status = checkDnsSubdomain(text);
    if (!status.ok()) return status.error();
    return std::string(text);
}

void readNode(TableReader& r, Config::Node& node) {
    assign(node.name, r.converted("name", nodeName));
    if (auto names = r.items("external-interfaces", checkedString(checkInterfaceName))) {
        // An empty list would mean "no external interface", which is easy to
        // write by accident; leaving the key out picks the default route's.
        const toml::node& list = *r.table().get("external-interfaces");
        if (list.as_array()->empty())
            r.error(list, "external-interfaces",
                    "must name at least one interface; leave the key out for the default route's interface");
        std::vector<std::string> unique;
        for (auto& name : *names) {
            if (std::find(unique.begin(), unique.end(), name.value) != unique.end()) {
                r.errorAt(name.node->source(), name.path, "'" + name.value + "' is listed twice");
                continue;
            }
            unique.push_back(name.value);
        }
        node.externalInterfaces = std::move(unique);
    }
    assign(node.manageSysctls, r.boolean("manage-sysctls"));
}

void readState(TableReader& r, Config::State& state) {
    assign(state.source, r.oneOf<StateSource>("source", {{"snapshot", StateSource::Snapshot},
                                                         {"kubernetes", StateSource::Kubernetes}}));
    assign(state.snapshot, r.converted("snapshot", absolutePath));
}

void readKubernetes(TableReader& r, Config::Kubernetes& kubernetes) {
    assign(kubernetes.kubeconfig, r.converted("kubeconfig", emptyOrAbsolutePath));
    assign(kubernetes.lastKnown, r.converted("last-known", absolutePath));
}

void readConntrackAgeing(TableReader& r, Config::Datapath::ConntrackAgeing& ageing) {
    assign(ageing.gcIntervalSeconds, r.integer("conntrack-gc-interval", 1, kMaxConntrackGcIntervalSeconds));
    assign(ageing.tcpSynSeconds, r.integer("conntrack-tcp-syn-timeout", 1, kMaxConntrackTimeoutSeconds));
    assign(ageing.tcpEstablishedSeconds,
           r.integer("conntrack-tcp-established-timeout", 1, kMaxConntrackTimeoutSeconds));
    assign(ageing.tcpClosingSeconds, r.integer("conntrack-tcp-closing-timeout", 1, kMaxConntrackTimeoutSeconds));
    assign(ageing.udpSeconds, r.integer("conntrack-udp-timeout", 1, kMaxConntrackTimeoutSeconds));
    assign(ageing.udpStreamSeconds, r.integer("conntrack-udp-stream-timeout", 1, kMaxConntrackTimeoutSeconds));
}

void readDatapath(TableReader& r, Config::Datapath& datapath) {
    assign(datapath.bpffs, r.converted("bpffs", absolutePath));
    assign(datapath.maxLocalEndpoints, r.integer("max-local-endpoints", 1, kMaxLocalEndpoints));
    assign(datapath.maxInterfaces, r.integer("max-interfaces", 1, kMaxInterfaces));
    assign(datapath.maxServices, r.integer("max-services", 1, kMaxServices));
    assign(datapath.maxBackendEntries, r.integer("max-backend-entries", 1, kMaxBackendEntries));
    assign(datapath.maxConntrackEntries, r.integer("max-conntrack-entries", 1, kMaxConntrackEntries));
    assign(datapath.maxPolicyEntries, r.integer("max-policy-entries", 1, kMaxPolicyEntries));
    assign(datapath.maxIpcacheEntries, r.integer("max-ipcache-entries", 1, kMaxIpcacheEntries));
    assign(datapath.cgroup, r.converted("cgroup", emptyOrAbsolutePath));
    readConntrackAgeing(r, datapath.conntrack);
}

Result<IpPrefix> clusterIpRange(std::string_view text) {
    auto prefix = IpPrefix::parse(text);
    if (!prefix) {
        if (IpPrefix::parse(text, /*allowHostBits=*/true))
            return Error::logical("'" + std::string(text) + "' has host bits set; write the network address");
        return Error::logical("'" + std::string(text) + "' is not a CIDR (\"10.96.0.0/12\")");
    }
    const int shortest = prefix->address.isV4() ? kMinClusterIpRangeV4Length : kMinClusterIpRangeV6Length;
    if (prefix->length < shortest)
        return Error::logical("'" + std::string(text) + "' is wider than /" + std::to_string(shortest) +
                              "; every address in it without a ClusterIP would be dropped");
    return *prefix;
}

void readServices(TableReader& r, Config::Services& services) {
    auto ranges = r.items("cluster-ip-ranges", clusterIpRange);
    if (!ranges) return;
    std::vector<IpPrefix> unique;
    for (auto& range : *ranges) {
        if (std::find(unique.begin(), unique.end(), range.value) != unique.end()) {
            r.errorAt(range.node->source(), range.path, "'" + range.value.toString() + "' is listed twice");
            continue;
        }
        unique.push_back(range.value);
    }
    if (unique.size() > kMaxClusterIpRanges) {
        r.error(*r.table().get("cluster-ip-ranges"), "cluster-ip-ranges",
                std::to_string(unique.size()) + " ranges; at most " + std::to_string(kMaxClusterIpRanges));
        return;
    }
    services.clusterIpRanges = std::move(unique);
}

void readPolicy(TableReader& r, Config::Policy& policy) {
    assign(policy.allowFromHost, r.boolean("allow-from-host"));
}

void readHealth(TableReader& r, Config::Health& health) {
    assign(health.listen, r.converted("listen", listenAddress));
    assign(health.maxPendingSeconds, r.integer("max-pending-seconds", 0, kMaxPendingSeconds));
}

void readLifecycle(TableReader& r, Config::Lifecycle& lifecycle) {
    assign(lifecycle.drainSeconds, r.integer("drain-seconds", 0, kMaxDrainSeconds));
    assign(lifecycle.drainMarker, r.converted("drain-marker", absolutePath));
    assign(lifecycle.shutdownInhibitor, r.boolean("shutdown-inhibitor"));
}

void readControl(TableReader& r, Config::Control& control) {
    assign(control.socket, r.converted("socket", socketPath));
    assign(control.systemBus, r.boolean("system-bus"));
}

void readObserve(TableReader& r, Config::Observe& observe) {
    assign(observe.socket, r.converted("socket", socketPath));
    assign(observe.events, r.boolean("events"));
    if (auto bytes = r.integer("ring-buffer-bytes", kMinRingBufferBytes, kMaxRingBufferBytes)) {
        // The kernel refuses a ring buffer whose size is not a power of two.
        if ((*bytes & (*bytes - 1)) != 0)
            r.error(*r.table().get("ring-buffer-bytes"), "ring-buffer-bytes",
                    std::to_string(*bytes) + " is not a power of two (4194304 is 4 MiB)");
        else
            observe.ringBufferBytes = static_cast<std::uint32_t>(*bytes);
    }
    // Not checked against ring-buffer-bytes, which a later drop-in may
    // change: the daemon caps the mark at half the ring it loads.
    assign(observe.wakeupBytes, r.integer("wakeup-bytes", 0, kMaxRingBufferBytes / 2));
}

void readMetrics(TableReader& r, Config::Metrics& metrics) {
    assign(metrics.listen, r.converted("listen", [](std::string_view text) -> Result<std::string> {
        if (text.empty()) return std::string();  // no metrics server
        return listenAddress(text);
    }));
}

// GKE's NetworkLogging: "Delegate can only be true if Log is true". Checked
// on the merged value, so a drop-in that turns log off under an earlier
// delegate is refused at its own key.
void readPolicyLogAction(TableReader& r, Config::PolicyLogging::Action& action) {
    assign(action.log, r.boolean("log"));
    assign(action.delegate, r.boolean("delegate"));
    if (!action.delegate || action.log) return;
    const toml::node* at = r.table().get("delegate");
    std::string_view key = "delegate";
    if (!at) {
        at = r.table().get("log");
        key = "log";
    }
    if (at) r.error(*at, key, "delegate = true needs log = true");
}

void readPolicyLogging(TableReader& r, Config::PolicyLogging& logging) {
    r.withTable("allow", [&](TableReader& t) { readPolicyLogAction(t, logging.allow); });
    r.withTable("deny", [&](TableReader& t) { readPolicyLogAction(t, logging.deny); });
    assign(logging.file, r.converted("file", emptyOrAbsolutePath));
    assign(logging.fileMaxBytes, r.integer("file-max-bytes", kMinPolicyLogFileBytes, kMaxPolicyLogFileBytes));
    assign(logging.fileBackups, r.integer("file-backups", 0, kMaxPolicyLogFileBackups));
    assign(logging.maxRecordsPerSecond, r.integer("max-records-per-second", 1, kMaxPolicyLogRecordsPerSecond));
    assign(logging.journal, r.boolean("journal"));
    assign(logging.denyAggregationSeconds, r.integer("deny-aggregation-seconds", 0, kMaxDenyAggregationSeconds));
}

void readLog(TableReader& r, Config::Log& log) {
    assign(log.level, r.oneOf<std::string>("level", {{"trace", "trace"},
                                                     {"debug", "debug"},
                                                     {"info", "info"},
                                                     {"warn", "warn"},
                                                     {"error", "error"}}));
}

template <typename Section, typename Read>
void readTable(const ErrorSink& sink, TableReader& root, std::string_view name, Section& section, Read read) {
    const toml::table* table = root.subtable(name);
    if (!table) return;
    TableReader reader(sink, *table, "[" + std::string(name) + "]", "");
    read(reader, section);
}

}  // namespace

InputErrors applyConfigText(Config& base, const std::string& text, const std::string& fileName) {
    InputErrors errors;
    auto document = parseToml(text, fileName, errors);
    if (!document) return errors;

    Config next = base;
    {
        ErrorSink sink{fileName, errors};
        TableReader root = TableReader::document(sink, *document);
        readTable(sink, root, "node", next.node, readNode);
        readTable(sink, root, "state", next.state, readState);
        readTable(sink, root, "kubernetes", next.kubernetes, readKubernetes);
        readTable(sink, root, "datapath", next.datapath, readDatapath);
        readTable(sink, root, "services", next.services, readServices);
        readTable(sink, root, "policy", next.policy, readPolicy);
        readTable(sink, root, "health", next.health, readHealth);
        readTable(sink, root, "lifecycle", next.lifecycle, readLifecycle);
        readTable(sink, root, "control", next.control, readControl);
        readTable(sink, root, "observe", next.observe, readObserve);
        readTable(sink, root, "metrics", next.metrics, readMetrics);
        readTable(sink, root, "policy-logging", next.policyLogging, readPolicyLogging);
        readTable(sink, root, "log", next.log, readLog);
    }  // the readers report unknown keys as they close

    sortInFileOrder(errors, {fileName});
    if (errors.empty()) base = std::move(next);
    return errors;
}

}  // namespace nodeplane::config
