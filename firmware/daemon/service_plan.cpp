#include "daemon/service_plan.h"

namespace nodeplane::daemon {

namespace {

datapath::L4Protocol l4(state::Protocol p) {
    switch (p) {
        case state::Protocol::TCP: return datapath::L4Protocol::Tcp;
        case state::Protocol::UDP: return datapath::L4Protocol::Udp;
        case state::Protocol::SCTP: return datapath::L4Protocol::Sctp;
    }
    return datapath::L4Protocol::Tcp;
}

datapath::Backend toBackend(const compiler::ServiceBackend& b) {
    return {b.ip, b.port, l4(b.protocol), b.local, b.terminating};
}

// The addresses a frontend answers on: its own, or for a NodePort every
// address of this node in its family.
std::vector<IpAddress> frontendAddresses(const compiler::Frontend& f, const std::vector<IpAddress>& nodeAddresses) {
    if (f.kind != compiler::FrontendKind::NodePort) return {f.address};
    std::vector<IpAddress> out;
    for (const auto& a : nodeAddresses)
        if (a.family == f.address.family) out.push_back(a);
    return out;
}

}  // namespace

ServiceMaps planServiceMaps(const compiler::DesiredServices& desired, const std::vector<IpAddress>& nodeAddresses,
                            ServiceIds& ids) {
    ServiceMaps maps;
    std::set<BackendSetKey> liveSets;
    std::set<FrontendIdKey> liveFrontends;
    std::set<datapath::Backend> liveBackends;

    // The backend set a rule uses, once per (service port, Cluster|Local).
    auto backendSetFor = [&](const compiler::ServicePortBackends& port, const compiler::TrafficRule& rule) {
        BackendSetKey setKey{port.service, port.portName, port.family, port.protocol, rule.backends};
        liveSets.insert(setKey);
        std::uint32_t serviceId = ids.services.idFor(setKey);
        std::vector<datapath::BackendId> set;
        if (rule.verdict == compiler::FlowVerdict::Forward) {
            const auto& list = rule.backends == compiler::BackendSet::Cluster ? port.endpoints.cluster
                                                                               : port.endpoints.local;
            for (const auto& b : list) {
                auto backend = toBackend(b);
                liveBackends.insert(backend);
                auto id = ids.backends.idFor(backend);
                maps.backends[id] = backend;
                set.push_back(id);
            }
        }
        // Two rules may share a set (Cluster from pods and from outside);
        // they compute the same list.
        maps.backendSets[serviceId] = std::move(set);
        return serviceId;
    };

    for (const auto& f : desired.frontends) {
        const auto& port = desired.ports.at(f.portIndex);
        // Internal scope: traffic from pods (from_pod). External scope: from
        // outside the node (from_netdev); a ClusterIP has none.
        std::vector<std::pair<datapath::ServiceScope, const compiler::TrafficRule*>> scopes{
            {datapath::ServiceScope::Internal, &f.fromPod}};
        if (f.kind != compiler::FrontendKind::ClusterIP)
            scopes.emplace_back(datapath::ServiceScope::External, &f.fromExternal);

        for (const auto& [scope, rule] : scopes) {
            std::uint32_t serviceId = backendSetFor(port, *rule);
            for (const auto& address : frontendAddresses(f, nodeAddresses)) {
                FrontendIdKey feKey{address, f.port, f.protocol};
                liveFrontends.insert(feKey);
                std::uint32_t revNatId = ids.revNat.idFor(feKey);
                maps.revNat[revNatId] = {address, f.port};

                datapath::FrontendValue value;
                value.serviceId = serviceId;
                value.revNatId = revNatId;
                value.flags.affinity = port.sessionAffinity;
                value.flags.externalLocal = port.policies.externalLocal;
                value.flags.internalLocal = port.policies.internalLocal;
                value.flags.sourceRanges = f.restrictSources;
                value.flags.rejectWithoutBackend = rule->verdict == compiler::FlowVerdict::Reject;
                value.flags.masquerade = rule->masquerade;
                value.affinityTimeoutSeconds = port.sessionAffinity ? port.affinityTimeoutSeconds : 0;
                maps.frontends[{address, f.port, l4(f.protocol), scope}] = value;
                if (f.restrictSources)
                    for (const auto& prefix : f.sourceRanges) maps.sourceRanges.insert({revNatId, prefix});
            }
        }
    }
    // Every other port of an allocated ClusterIP is refused (kube-proxy's
    // "has no endpoints" REJECT for unknown ports), not routed towards the
    // service range's next hop: one port-0 frontend per address and
    // protocol, with one shared empty set.
    if (!desired.clusterIPs.empty()) {
        BackendSetKey unservedKey{"", "", IpFamily::V4, state::Protocol::TCP, compiler::BackendSet::Cluster};
        liveSets.insert(unservedKey);
        const std::uint32_t unservedSet = ids.services.idFor(unservedKey);
        maps.backendSets[unservedSet] = {};
        for (const auto& address : desired.clusterIPs)
            for (auto protocol : {datapath::L4Protocol::Tcp, datapath::L4Protocol::Udp}) {
                datapath::FrontendKey key{address, 0, protocol, datapath::ServiceScope::Internal};
                datapath::FrontendValue value;
                value.serviceId = unservedSet;
                value.flags.rejectWithoutBackend = true;
                maps.frontends.emplace(key, value);  // a real port 0 frontend cannot exist
            }
    }
    ids.services.retain(liveSets);
    ids.revNat.retain(liveFrontends);
    ids.backends.retain(liveBackends);
    return maps;
}

}  // namespace nodeplane::daemon
