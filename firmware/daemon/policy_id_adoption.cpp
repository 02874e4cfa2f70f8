#include "daemon/policy_id_adoption.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "policy/identity.h"

namespace nodeplane::daemon {

namespace {

IpPrefix hostPrefixOf(const IpAddress& ip) { return IpPrefix{ip, ip.isV4() ? 32 : 128}; }

bool isPodIdentity(policy::IdentityId id) { return id >= policy::kFirstPodIdentity && id <= policy::kLastPodIdentity; }
bool isCidrIdentity(policy::IdentityId id) {
    return id >= policy::kFirstCidrIdentity && id <= policy::kLastCidrIdentity;
}

}  // namespace

AdoptedIds adoptPolicyIds(const state::Model& model, const std::map<IpPrefix, policy::IpcacheEntry>& ipcache,
                          policy::PolicyIds& ids) {
    AdoptedIds adopted;
    policy::IdentityId highestPod = 0;
    policy::IdentityId highestCidr = 0;
    for (const auto& [prefix, entry] : ipcache) {
        if (isPodIdentity(entry.identity)) highestPod = std::max(highestPod, entry.identity);
        if (isCidrIdentity(entry.cidrIdentity)) highestCidr = std::max(highestCidr, entry.cidrIdentity);
    }
    std::set<policy::IdentityId> taken;
    for (const auto& pod : model.pods) {
        if (pod.hostNetwork || pod.podIPs.empty()) continue;  // not a pod to policy (cluster_view.cpp)
        const std::string key = policy::podIdentityKey(pod.namespace_, pod.labels);
        if (ids.pods.knows(key)) continue;
        for (const auto& ip : pod.podIPs) {
            auto held = ipcache.find(hostPrefixOf(ip));
            if (held == ipcache.end() || !isPodIdentity(held->second.identity)) continue;
            // Labels changed while no daemon ran: the number stays with the
            // first key that claims it, the other key gets a new one.
            if (!taken.insert(held->second.identity).second) {
                ++adopted.skipped;
                break;
            }
            ids.pods.seed(key, held->second.identity);
            ++adopted.pods;
            break;
        }
    }
    if (highestPod) ids.pods.skipPast(highestPod);
    // ipBlock classes are not seeded (which prefix a class stands for is
    // the compile's to decide), only kept from reusing a number in use.
    if (highestCidr) ids.cidrs.skipPast(highestCidr);
    return adopted;
}

std::size_t adoptEndpointIds(const state::Model& model, const std::map<IpAddress, datapath::LocalEndpoint>& endpoints,
                             compiler::EndpointIdAllocator& ids) {
    ids.markAdopted();
    std::uint32_t highest = 0;
    for (const auto& [address, endpoint] : endpoints) highest = std::max(highest, endpoint.endpointId);
    std::set<std::uint32_t> taken;
    std::size_t seeded = 0;
    for (const auto& pod : model.pods) {
        // The pods compileNode() numbers (desired_node.cpp), by the same key.
        if (pod.nodeName != model.node || pod.hostNetwork || !pod.interface) continue;
        const std::string key = pod.namespace_ + "/" + pod.name;
        if (ids.knows(key)) continue;
        for (const auto& ip : pod.podIPs) {
            auto held = endpoints.find(ip);
            if (held == endpoints.end() || held->second.endpointId == 0) continue;
            // An address that moved to another pod while no daemon ran: the
            // id stays with the first pod that claims it.
            if (!taken.insert(held->second.endpointId).second) break;
            ids.seed(key, held->second.endpointId);
            ++seeded;
            break;
        }
    }
    if (highest) ids.skipPast(highest);
    return seeded;
}

void adoptEndpointIdsOnce(const state::Model& model, const datapath::LocalEndpointTable& table,
                          compiler::EndpointIdAllocator& ids) {
    if (ids.adopted()) return;
    auto held = table.list();
    if (!held) {
        ids.markAdopted();
        spdlog::warn("Failed to read the local endpoints to keep their ids: {}, numbering anew", held.error().message);
        return;
    }
    if (auto seeded = adoptEndpointIds(model, *held, ids))
        spdlog::info("Kept the endpoint ids of {} local pods from the maps", seeded);
}

}  // namespace nodeplane::daemon
