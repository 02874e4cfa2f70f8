#include "compiler/endpoint_categories.h"

#include <algorithm>

namespace nodeplane::compiler {

namespace {

bool hasHint(const ServiceBackend& ep, const std::string& zone) {
    return std::find(ep.zoneHints.begin(), ep.zoneHints.end(), zone) != ep.zoneHints.end();
}

// kube-proxy's topologyModeFromHints, zone part: hints are used only when
// every Ready endpoint carries one and at least one is for this node's zone;
// otherwise (a hint missing, no hint for the zone, the node without a zone
// label) every endpoint is used. EndpointSlice hints.forNodes (PreferSameNode)
// are not in the model yet, so that mode never applies.
TopologyMode topologyFromHints(const std::vector<ServiceBackend>& endpoints, const std::string& zone) {
    bool anyReady = false;
    bool allHinted = true;
    bool hintedForZone = false;
    for (const auto& ep : endpoints) {
        if (!ep.ready) continue;
        anyReady = true;
        if (ep.zoneHints.empty())
            allHinted = false;
        else if (!zone.empty() && hasHint(ep, zone))
            hintedForZone = true;
    }
    return anyReady && allHinted && hintedForZone ? TopologyMode::PreferSameZone : TopologyMode::None;
}

template <typename Pred>
std::vector<ServiceBackend> filter(const std::vector<ServiceBackend>& endpoints, Pred pred) {
    std::vector<ServiceBackend> out;
    for (const auto& ep : endpoints)
        if (pred(ep)) out.push_back(ep);
    return out;
}

bool byAddress(const ServiceBackend& a, const ServiceBackend& b) {
    if (a.ip != b.ip) return a.ip < b.ip;
    return a.port < b.port;
}

}  // namespace

std::string ServiceBackend::toString() const {
    std::string host = ip.isV4() ? ip.toString() : "[" + ip.toString() + "]";
    return host + ":" + std::to_string(port);
}

EndpointCategories categorizeEndpoints(const std::vector<ServiceBackend>& endpoints,
                                       const TrafficPolicies& policies, const std::string& zone) {
    EndpointCategories out;
    if (endpoints.empty()) return out;

    if (policies.usesClusterEndpoints()) {
        out.topology = topologyFromHints(endpoints, zone);
        out.cluster = filter(endpoints, [&](const ServiceBackend& ep) {
            return ep.ready && (out.topology == TopologyMode::None || hasHint(ep, zone));
        });
        // Topology already fell back to "all" when no Ready endpoint suits
        // the zone, so an empty set here means nothing is Ready anywhere.
        if (out.cluster.empty()) out.cluster = filter(endpoints, [](const ServiceBackend& ep) { return ep.servingTerminating(); });
        out.hasAnyEndpoints = !out.cluster.empty();
    }

    bool useServingTerminating = false;
    if (policies.usesLocalEndpoints()) {
        bool localReady = false;
        bool localServingTerminating = false;
        for (const auto& ep : endpoints) {
            if (ep.ready) {
                out.hasAnyEndpoints = true;
                localReady = localReady || ep.local;
            } else if (ep.servingTerminating()) {
                out.hasAnyEndpoints = true;
                localServingTerminating = localServingTerminating || ep.local;
            }
        }
        if (localReady) {
            out.local = filter(endpoints, [](const ServiceBackend& ep) { return ep.local && ep.ready; });
        } else if (localServingTerminating) {
            useServingTerminating = true;
            out.local = filter(endpoints, [](const ServiceBackend& ep) { return ep.local && ep.servingTerminating(); });
        }
    }

    if (!policies.usesLocalEndpoints()) {
        out.allReachable = out.cluster;
    } else if (!policies.usesClusterEndpoints()) {
        out.allReachable = out.local;
    } else if (out.topology == TopologyMode::None && !useServingTerminating) {
        // Every Ready endpoint is in cluster, and local holds only Ready ones.
        out.allReachable = out.cluster;
    } else {
        out.allReachable = out.cluster;
        for (const auto& ep : out.local) {
            bool seen = std::any_of(out.allReachable.begin(), out.allReachable.end(), [&](const ServiceBackend& c) {
                return c.ip == ep.ip && c.port == ep.port;
            });
            if (!seen) out.allReachable.push_back(ep);
        }
    }
    std::sort(out.allReachable.begin(), out.allReachable.end(), byAddress);

    // Only endpoints a set could have listed: a remote one under Local-only
    // policy never carried this node's traffic.
    out.terminating = filter(endpoints, [&](const ServiceBackend& ep) {
        if (!ep.servingTerminating() || !(policies.usesClusterEndpoints() || ep.local)) return false;
        return !std::binary_search(out.allReachable.begin(), out.allReachable.end(), ep, byAddress);
    });
    std::sort(out.terminating.begin(), out.terminating.end(), byAddress);
    auto sameAddress = [](const ServiceBackend& a, const ServiceBackend& b) {
        return a.ip == b.ip && a.port == b.port;
    };
    out.terminating.erase(std::unique(out.terminating.begin(), out.terminating.end(), sameAddress),
                          out.terminating.end());
    return out;
}

}  // namespace nodeplane::compiler
