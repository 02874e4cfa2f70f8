#include "daemon/service_plan_steps.h"

namespace nodeplane::daemon {

datapath::Backend backendIdKey(datapath::Backend backend) {
    // `local` stays: an endpoint's node does not change while it lives.
    backend.terminating = false;
    return backend;
}

}  // namespace nodeplane::daemon

namespace nodeplane::daemon::plan_steps {

namespace {

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

datapath::L4Protocol l4(state::Protocol p) {
    switch (p) {
        case state::Protocol::TCP: return datapath::L4Protocol::Tcp;
        case state::Protocol::UDP: return datapath::L4Protocol::Udp;
        case state::Protocol::SCTP: return datapath::L4Protocol::Sctp;
    }
    return datapath::L4Protocol::Tcp;
}

const BackendSetKey kUnservedSetKey{"", "", IpFamily::V4, state::Protocol::TCP, compiler::BackendSet::Cluster};

std::vector<datapath::FrontendKey> unservedFrontends(const std::vector<IpAddress>& clusterIPs) {
    std::vector<datapath::FrontendKey> keys;
    keys.reserve(2 * clusterIPs.size());
    for (const auto& address : clusterIPs)
        for (auto protocol : {datapath::L4Protocol::Tcp, datapath::L4Protocol::Udp})
            keys.push_back({address, 0, protocol, datapath::ServiceScope::Internal});
    return keys;
}

std::vector<Rule> rulesOf(const compiler::Frontend& f, const compiler::ServicePortBackends& port,
                          const std::vector<IpAddress>& nodeAddresses) {
    // Internal scope: traffic from pods (from_pod). External scope: from
    // outside the node (from_netdev); a ClusterIP has none.
    std::vector<std::pair<datapath::ServiceScope, const compiler::TrafficRule*>> scopes{
        {datapath::ServiceScope::Internal, &f.fromPod}};
    if (f.kind != compiler::FrontendKind::ClusterIP)
        scopes.emplace_back(datapath::ServiceScope::External, &f.fromExternal);
    const auto addresses = frontendAddresses(f, nodeAddresses);
    std::vector<Rule> rules;
    rules.reserve(scopes.size());
    for (const auto& [scope, rule] : scopes) {
        Rule r{&f, &port, rule, {port.service, port.portName, port.family, port.protocol, rule->backends}, {}};
        r.keys.reserve(addresses.size());
        for (const auto& address : addresses) r.keys.push_back({address, f.port, l4(f.protocol), scope});
        rules.push_back(std::move(r));
    }
    return rules;
}

const std::vector<compiler::ServiceBackend>& backendList(const Rule& r) {
    static const std::vector<compiler::ServiceBackend> kNone;
    if (r.rule->verdict != compiler::FlowVerdict::Forward) return kNone;
    return r.rule->backends == compiler::BackendSet::Cluster ? r.port->endpoints.cluster : r.port->endpoints.local;
}

bool sameBackends(const std::vector<datapath::Backend>& planned, const std::vector<compiler::ServiceBackend>& list) {
    if (planned.size() != list.size()) return false;
    for (std::size_t i = 0; i < list.size(); ++i)
        if (planned[i] != toBackend(list[i])) return false;
    return true;
}

void replanSet(PlannedSet& set, const std::vector<compiler::ServiceBackend>& list, ServiceIds& ids,
               BackendChanges* changes) {
    std::vector<datapath::Backend> backends;
    std::vector<datapath::BackendId> backendIds;
    backends.reserve(list.size());
    backendIds.reserve(list.size());
    for (const auto& b : list) {
        backends.push_back(toBackend(b));
        const auto key = backendIdKey(backends.back());
        ++ids.backendUsers[key];
        backendIds.push_back(ids.backends.idFor(key));
        // Noted even when another set lists it too: its flags (terminating)
        // may have changed under the id it keeps.
        if (changes) (*changes)[backendIds.back()] = backends.back();
    }
    for (const auto& old : set.backends) {
        auto it = ids.backendUsers.find(backendIdKey(old));
        if (it == ids.backendUsers.end() || --it->second > 0) continue;
        ids.unlisted.push_back(it->first);
    }
    set.backends = std::move(backends);
    set.ids = std::move(backendIds);
}

void releaseUnlisted(ServiceIds& ids, BackendChanges* changes) {
    for (const auto& key : ids.unlisted) {
        auto it = ids.backendUsers.find(key);
        if (it == ids.backendUsers.end() || it->second > 0) continue;  // another set took it meanwhile
        ids.backendUsers.erase(it);
        if (changes) (*changes)[ids.backends.idFor(key)] = std::nullopt;
        ids.backends.release(key);
    }
    ids.unlisted.clear();
}

BackendSetKey heldKey(const compiler::ServicePortBackends& port) {
    return {port.service, port.portName, port.family, port.protocol, compiler::BackendSet::Cluster};
}

bool planHeld(const compiler::ServicePortBackends& port, std::uint64_t plan, ServiceIds& ids, PlannedService& owner,
              BackendChanges* changes) {
    const auto& list = port.endpoints.terminating;
    if (list.empty()) return false;
    const auto key = heldKey(port);
    PlannedSet& set = ids.held[key];
    if (set.plan == plan) return false;
    set.plan = plan;
    owner.held.push_back(key);
    if (!sameBackends(set.backends, list)) replanSet(set, list, ids, changes);
    return true;
}

datapath::FrontendValue frontendValue(const Rule& r, std::uint32_t serviceId, std::uint32_t revNatId) {
    const auto& port = *r.port;
    datapath::FrontendValue value;
    value.serviceId = serviceId;
    value.revNatId = revNatId;
    value.flags.affinity = port.sessionAffinity;
    value.flags.externalLocal = port.policies.externalLocal;
    value.flags.internalLocal = port.policies.internalLocal;
    value.flags.sourceRanges = r.frontend->restrictSources;
    value.flags.rejectWithoutBackend = r.rule->verdict == compiler::FlowVerdict::Reject;
    value.flags.masquerade = r.rule->masquerade;
    value.affinityTimeoutSeconds = port.sessionAffinity ? port.affinityTimeoutSeconds : 0;
    return value;
}

}  // namespace nodeplane::daemon::plan_steps
