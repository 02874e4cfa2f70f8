// A ControlHandler with canned answers, and a NodeStatus, services and
// conntrack listings that fill every field.
#pragma once

#include <limits>
#include <optional>
#include <stdexcept>

#include "bus/control_handler.h"

namespace nodeplane::bus::test {

inline NodeStatus sampleStatus() {
    NodeStatus s;
    s.node = "node-a";
    s.stateSource = "snapshot";
    s.statePath = "/etc/nodeplane/state.toml";
    s.phase = "serving";
    s.healthy = true;
    s.generation = 7;
    s.appliedUsec = 1714564795125000;  // 2024-05-01T11:59:55.125Z
    s.lastRefusedReload = "state.toml:12:5: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535";
    s.pendingInterfaces = {"np-late-1", "np-late-2"};
    s.interfaces = {
        {"np-web-1", 12, "pod", {"from_pod@ingress", "to_pod@egress"}, 10, 1000, 20, 2000},
        {"eth0", 2, "external", {"from_netdev@ingress", "to_netdev@egress"},
         std::numeric_limits<std::uint64_t>::max(), 1, 2, 3},
        {"np-idle", 40000, "pod", {}, 0, 0, 0, 0},
    };
    s.maps = {{"np_services", "hash", 65536, 12}, {"np_conntrack", "lru_hash", 262144, 131072},
              {"np_empty", "array", 0, 0}};
    s.stats = {{"forwarded", 123456789012ULL}, {"drop_policy", 3}};
    s.conntrack.entries = 943718;
    s.conntrack.capacity = 1048576;
    s.conntrack.gcIntervalSeconds = 10;
    s.conntrack.gcPasses = 42;
    s.conntrack.lastGcUsec = 1714564798250000;  // 2024-05-01T11:59:58.250Z
    s.conntrack.lastGcDurationUsec = 12345;
    s.conntrack.agedOut = 17;
    s.conntrack.agedOutByState = {{"syn-sent", 2}, {"established", 1}, {"closing", 9}, {"unreplied", 4},
                                  {"replied", 1}};
    s.conntrack.lastGcError = "Failed to walk np_conntrack_v2: Permission denied";
    s.feed.degraded = true;
    s.feed.degradedReason = "serving the last-known state: the API server has not answered";
    s.feed.servingLastKnown = true;
    s.feed.synced = false;
    s.feed.connected = false;
    s.feed.lastError = "Pods: list: Couldn't connect to server";
    s.feed.lastContactUsec = 1714564790000000;
    s.feed.lastKnownPath = "/var/lib/nodeplane/last-known.toml";
    s.feed.lastKnownSavedUsec = 1714564780000000;
    s.feed.relists = 3;
    s.feed.watchRestarts = 11;
    s.feed.events = 123456;
    s.feed.errors = 7;
    return s;
}

inline std::vector<ServiceRecord> sampleServices() {
    ServiceRecord cluster;
    cluster.address = "10.96.0.10";
    cluster.port = 80;
    cluster.protocol = "tcp";
    cluster.scope = "internal";
    cluster.flags = {"affinity", "reject-when-empty"};
    cluster.affinityTimeoutSeconds = 10800;
    cluster.serviceId = 1;
    cluster.revNatId = 3;
    cluster.backendCount = 2;
    cluster.activeHalf = 1;
    cluster.backends = {{7, "10.200.1.11", 8080, true, false}, {9, "10.200.2.20", 8080, false, true}};
    ServiceRecord dns;
    dns.address = "fd00::a";
    dns.port = 53;
    dns.protocol = "udp";
    dns.scope = "external";
    dns.flags = {"etp-local", "itp-local", "source-ranges", "masquerade"};
    dns.serviceId = 2;
    dns.revNatId = 4;
    return {cluster, dns};
}

inline ConntrackListing sampleConntrack() {
    ConntrackRecord original;
    original.direction = "original";
    original.protocol = "tcp";
    original.source = "10.200.1.10";
    original.sourcePort = 40000;
    original.destination = "10.96.0.10";
    original.destinationPort = 80;
    original.state = "established";
    original.ageNs = 12'900'000'000;
    original.idleNs = 3'100'000'000;
    original.timeoutNs = 21600'000'000'000;
    original.backendId = 7;
    original.revNatId = 3;
    original.tcpFlags = 0x12;  // SYN, ACK
    ConntrackRecord reply = original;
    reply.direction = "reply";
    reply.source = "10.200.1.11";
    reply.sourcePort = 8080;
    reply.destination = "10.200.1.10";
    reply.destinationPort = 40000;
    reply.tcpFlags = 0x13;  // FIN, SYN, ACK
    reply.closing = true;
    reply.state = "closing";
    reply.timeoutNs = 60'000'000'000;
    original.state = "closing";
    original.timeoutNs = reply.timeoutNs;
    ConntrackRecord udp;
    udp.direction = "original";
    udp.protocol = "udp";
    udp.source = "192.168.50.1";
    udp.sourcePort = 5353;
    udp.destination = "192.168.50.2";
    udp.destinationPort = 30053;
    udp.state = "unreplied";
    udp.ageNs = 999'999'999;
    udp.idleNs = 0;
    udp.timeoutNs = 30'000'000'000;
    udp.backendId = 9;
    udp.revNatId = 4;
    udp.external = true;
    udp.natAddress = "192.168.50.2";
    udp.natPort = 61000;
    return {{original, reply, udp}, 5};
}

inline std::vector<IdentityRecord> sampleIdentities() {
    return {{1, "reserved", "host", {}, 2},
            {256, "pod", "shop", {"app=web", "tier=front"}, 3},
            {16777216, "cidr", "10.0.0.0/8", {}, 1}};
}

inline EndpointPolicyRecord samplePolicy() {
    EndpointPolicyRecord p;
    p.pod = "shop/web-1";
    p.endpointId = 4;
    p.identity = 256;
    p.ingressIsolated = true;
    p.ingressPolicies = {"shop/allow-front", "shop/deny-all"};
    p.allows = {{"ingress", 1, "host", "any", 0, 65535, 1, "allow-from-host"},
                {"ingress", 257, "shop: app=front", "tcp", 8080, 8087, 17, "shop/allow-front"},
                {"egress", 0, "any", "udp", 53, 53, 18, ""}};
    return p;
}

class FakeHandler : public ControlHandler {
public:
    NodeStatus current = sampleStatus();
    std::optional<std::string> refuseWith;
    bool throwOnStatus = false;
    int reloads = 0;
    std::vector<ServiceRecord> services = sampleServices();
    ConntrackListing conntrack = sampleConntrack();
    std::optional<std::string> listingError;  // every listing and the flush fail with this
    int flushes = 0;
    std::vector<IdentityRecord> identities = sampleIdentities();
    EndpointPolicyRecord policy = samplePolicy();
    std::string askedPolicyOf;

    NodeStatus status() override {
        if (throwOnStatus) throw std::runtime_error("the map walker broke");
        return current;
    }
    Result<std::string> reload() override {
        ++reloads;
        if (refuseWith) {
            current.lastRefusedReload = *refuseWith;
            return Error::logical(*refuseWith);
        }
        current.generation += 1;
        return "applied generation " + std::to_string(current.generation);
    }
    Result<std::vector<ServiceRecord>> listServices() override {
        if (listingError) return Error::logical(*listingError);
        return services;
    }
    Result<ConntrackListing> listConntrack() override {
        if (listingError) return Error::logical(*listingError);
        return conntrack;
    }
    Result<std::uint64_t> flushConntrack() override {
        if (listingError) return Error::logical(*listingError);
        ++flushes;
        std::uint64_t removed = conntrack.total;
        conntrack = ConntrackListing{};
        return removed;
    }
    Result<std::vector<IdentityRecord>> listIdentities() override {
        if (listingError) return Error::logical(*listingError);
        return identities;
    }
    Result<EndpointPolicyRecord> policyOf(const std::string& pod) override {
        askedPolicyOf = pod;
        if (pod != policy.pod) return Error::logical("'" + pod + "' is not a pod on this node");
        return policy;
    }
    // Drain() and Undrain() toggle current.drain; refuseUndrainWith answers as a stopping daemon does.
    std::optional<std::string> refuseUndrainWith;
    Result<DrainOutcome> drain() override {
        current.drain.draining = true;
        current.drain.reasons = {"manual"};
        return DrainOutcome{"drained", current.drain};
    }
    Result<DrainOutcome> undrain() override {
        if (refuseUndrainWith) return Error::logical(*refuseUndrainWith);
        current.drain = DrainStatus{.drainSeconds = current.drain.drainSeconds};
        return DrainOutcome{"undrained", current.drain};
    }
};

}  // namespace nodeplane::bus::test
