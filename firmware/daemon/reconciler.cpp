#include "daemon/reconciler.h"

#include <spdlog/spdlog.h>

#include <map>

namespace nodeplane::daemon {

void Reconciler::linkRemoved(int ifindex) {
    attachedPods_.erase(ifindex);
    attachedExternal_.erase(ifindex);
}

ReconcileReport Reconciler::apply(const compiler::DesiredNode& desired) {
    ReconcileReport report;
    attachPrograms(desired, report);
    syncEndpoints(desired, report);
    syncRoutes(desired, report);
    return report;
}

void Reconciler::attachPrograms(const compiler::DesiredNode& desired, ReconcileReport& report) {
    auto attachAll = [&](const std::vector<std::string>& names, InterfaceRole role, std::set<int>& attached) {
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
    };
    attachAll(externalInterfaces_, InterfaceRole::External, attachedExternal_);
    attachAll(desired.podInterfaces, InterfaceRole::Pod, attachedPods_);
}

void Reconciler::syncEndpoints(const compiler::DesiredNode& desired, ReconcileReport& report) {
    std::map<IpAddress, EndpointEntry> wanted;
    for (const auto& ep : desired.localEndpoints) {
        auto ifindex = ports_.links.ifindexOf(ep.interface);
        if (!ifindex) continue;  // reported as pending; written when the link appears
        wanted[ep.ip] = EndpointEntry{*ifindex, ep.endpointId};
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

void Reconciler::syncRoutes(const compiler::DesiredNode& desired, ReconcileReport& report) {
    std::set<PodRoute> wanted;
    for (const auto& ep : desired.localEndpoints) {
        if (auto ifindex = ports_.links.ifindexOf(ep.interface)) wanted.insert(PodRoute{ep.ip, *ifindex});
    }
    auto owned = ports_.routes.listOwned();
    if (!owned) {
        report.failures.push_back(owned.error().message);
        spdlog::error("Failed to list host routes: {}", owned.error().message);
        return;
    }
    std::set<PodRoute> actual(owned->begin(), owned->end());
    for (const auto& route : wanted) {
        if (actual.contains(route)) continue;
        if (auto st = ports_.routes.replace(route); !st) {
            report.failures.push_back(st.error().message);
            spdlog::error("Failed to route {} to ifindex {}: {}", route.ip.toString(), route.ifindex,
                          st.error().message);
            continue;
        }
        ++report.routesWritten;
    }
    for (const auto& route : actual) {
        if (wanted.contains(route)) continue;
        if (auto st = ports_.routes.remove(route); !st) {
            report.failures.push_back(st.error().message);
            continue;
        }
        ++report.routesRemoved;
    }
}

}  // namespace nodeplane::daemon
