#include "daemon/reconciler.h"

#include "netlink/route_plan.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <map>
#include <set>

namespace nodeplane::daemon {

void Reconciler::linkRemoved(int ifindex) {
    attachedPods_.erase(ifindex);
    attachedExternal_.erase(ifindex);
}

ReconcileReport Reconciler::apply(const compiler::DesiredNode& desired) {
    ReconcileReport report;
    attachAll(externalInterfaces_, InterfaceRole::External, attachedExternal_, report);
    attachAll(desired.podInterfaces, InterfaceRole::Pod, attachedPods_, report);
    syncEndpoints(desired, report);
    syncRoutes(desired, report);
    return report;
}

ReconcileReport Reconciler::attachExternalOnly() {
    ReconcileReport report;
    attachAll(externalInterfaces_, InterfaceRole::External, attachedExternal_, report);
    return report;
}

void Reconciler::attachAll(const std::vector<std::string>& names, InterfaceRole role, std::set<int>& attached,
                           ReconcileReport& report) {
    std::set<int> wanted;
    for (const auto& name : names) {
        auto ifindex = ports_.links.ifindexOf(name);
        if (!ifindex) {
            report.pendingInterfaces.push_back(name);
            continue;
        }
        wanted.insert(*ifindex);
        if (attached.contains(*ifindex)) continue;
        // Attaching replaces in place, which is also how a restarted daemon
        // swaps in its programs without a gap.
        if (auto st = ports_.programs.attach(*ifindex, role); !st) {
            report.failures.push_back(st.error().message);
            spdlog::warn("Failed to attach to '{}': {}, will retry", name, st.error().message);
            continue;
        }
        attached.insert(*ifindex);
        ++report.attached;
        spdlog::info("Attached datapath to '{}' (ifindex {}, {})", name, *ifindex,
                     role == InterfaceRole::Pod ? "pod" : "external");
    }
    for (auto it = attached.begin(); it != attached.end();) {
        if (wanted.contains(*it)) {
            ++it;
            continue;
        }
        if (auto st = ports_.programs.detach(*it); !st) {
            report.failures.push_back(st.error().message);
            spdlog::warn("Failed to detach from ifindex {}: {}, ignoring", *it, st.error().message);
        } else {
            ++report.detached;
            spdlog::info("Detached datapath from ifindex {}", *it);
        }
        it = attached.erase(it);
    }
}

void Reconciler::syncEndpoints(const compiler::DesiredNode& desired, ReconcileReport& report) {
    std::map<IpAddress, datapath::LocalEndpoint> wanted;
    for (const auto& ep : desired.localEndpoints) {
        auto ifindex = ports_.links.ifindexOf(ep.interface);
        if (!ifindex) continue;  // reported as pending; written when the link appears
        wanted[ep.ip] = datapath::LocalEndpoint{.ifindex = static_cast<std::uint32_t>(*ifindex),
                                                .endpointId = ep.endpointId,
                                                .identity = ep.identity,
                                                .flags = ep.policyFlags};
    }
    auto actual = ports_.endpoints.list();
    if (!actual) {
        report.failures.push_back(actual.error().message);
        spdlog::error("Failed to read the local endpoint map: {}", actual.error().message);
        return;
    }
    for (const auto& [ip, entry] : wanted) {
        auto it = actual->find(ip);
        if (it != actual->end() && it->second == entry) continue;
        if (auto st = ports_.endpoints.upsert(ip, entry); !st) {
            report.failures.push_back(st.error().message);
            spdlog::error("Failed to write endpoint {}: {}", ip.toString(), st.error().message);
            continue;
        }
        ++report.endpointsWritten;
    }
    for (const auto& [ip, entry] : *actual) {
        if (wanted.contains(ip)) continue;
        if (auto st = ports_.endpoints.erase(ip); !st) {
            report.failures.push_back(st.error().message);
            continue;
        }
        ++report.endpointsRemoved;
    }
}

namespace {

// The podCIDR routes by destination, to say which node a failed route is for.
using NodeRoutesByCidr = std::map<IpPrefix, const compiler::NodeRoute*>;

void reportRouteFailure(const netlink::Route& route, const Error& error, const NodeRoutesByCidr& nodeRoutes,
                        ReconcileReport& report) {
    auto node = nodeRoutes.find(route.destination);
    if (node == nodeRoutes.end()) {
        // A host end that is down refuses routes (ENETDOWN); its link-up
        // event brings another pass.
        report.failures.push_back(error.message);
        spdlog::warn("Failed to install route {}: {}, will retry", netlink::describe(route), error.message);
        return;
    }
    const compiler::NodeRoute& to = *node->second;
    std::string what = "Failed to route podCIDR " + to.podCIDR.toString() + " of node '" + to.node + "' via " +
                       to.gateway.toString();
    if (error.errnum == ENETUNREACH) {
        // The kernel resolves a gateway only through a connected network
        // (scope link): this node and that one do not share a network.
        report.unreachableNodes.push_back(to.node);
        what += ": the gateway is on no network this node is directly connected to";
    }
    report.failures.push_back(what + " (" + error.message + ")");
    spdlog::warn("{} ({}), will retry", what, error.message);
}

}  // namespace

void Reconciler::syncRoutes(const compiler::DesiredNode& desired, ReconcileReport& report) {
    std::vector<netlink::Route> wanted;
    for (const auto& ep : desired.localEndpoints)
        if (auto ifindex = ports_.links.ifindexOf(ep.interface)) wanted.push_back(netlink::Route::toPod(ep.ip, *ifindex));
    NodeRoutesByCidr nodeRoutes;
    for (const auto& to : desired.nodeRoutes) {
        wanted.push_back(netlink::Route::via(to.podCIDR, to.gateway));
        nodeRoutes.emplace(to.podCIDR, &to);
    }
    auto owned = ports_.routes.listOwned();
    if (!owned) {
        report.failures.push_back(owned.error().message);
        spdlog::error("Failed to list host routes: {}", owned.error().message);
        return;
    }
    // The plan knows the kernel's idea of route identity (per family), and
    // orders replacements before removals so traffic moves first. Routes of
    // other protocols are never listed, so never removed.
    auto plan = netlink::planRoutes(wanted, *owned);
    for (const auto& route : plan.replace) {
        // One refused route does not hold up the rest.
        if (auto st = ports_.routes.replace(route); !st) {
            reportRouteFailure(route, st.error(), nodeRoutes, report);
            continue;
        }
        ++report.routesWritten;
    }
    for (const auto& route : plan.remove) {
        if (auto st = ports_.routes.remove(route); !st) {
            report.failures.push_back(st.error().message);
            spdlog::warn("Failed to remove route {}: {}, will retry", netlink::describe(route), st.error().message);
            continue;
        }
        ++report.routesRemoved;
    }
}

}  // namespace nodeplane::daemon
