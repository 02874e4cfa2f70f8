// Applies a DesiredNode to the kernel: the local endpoint map, per-pod host
// routes, routes to the other nodes' podCIDRs and program attachment. It diffs
// desired against what the kernel holds (not against what this process
// remembers), so a restarted daemon adopts a previous daemon's datapath and
// writes only the difference.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "compiler/desired_node.h"
#include "daemon/host_ports.h"
#include "datapath/local_endpoints.h"
#include "netlink/route_table.h"

namespace nodeplane::daemon {

struct ReconcileReport {
    int endpointsWritten = 0;
    int endpointsRemoved = 0;
    int routesWritten = 0;
    int routesRemoved = 0;
    int attached = 0;
    int detached = 0;
    std::vector<std::string> pendingInterfaces;  // desired but not present yet
    std::vector<std::string> failures;           // tolerated, retried on the next pass
    // Nodes whose podCIDR route the kernel refused because their address is
    // on no network this node is directly connected to (ENETUNREACH); their
    // failures are in `failures` too.
    std::vector<std::string> unreachableNodes;

    bool changedAnything() const {
        return endpointsWritten + endpointsRemoved + routesWritten + routesRemoved + attached + detached > 0;
    }
};

struct HostPorts {
    LinkView& links;
    datapath::LocalEndpointTable& endpoints;
    netlink::RouteTable& routes;
    ProgramAttacher& programs;
};

class Reconciler {
public:
    Reconciler(HostPorts ports, std::vector<std::string> externalInterfaces)
        : ports_(ports), externalInterfaces_(std::move(externalInterfaces)) {}

    // One full pass. Order matters for traffic: attach programs first, then
    // write endpoints, then routes, then remove what is stale, so a pod is
    // never reachable through a route before the datapath knows it.
    ReconcileReport apply(const compiler::DesiredNode& desired);

    // [node] external-interfaces changed on reload; the next pass applies it.
    void setExternalInterfaces(std::vector<std::string> names) { externalInterfaces_ = std::move(names); }

    // Before a first state: attach the external interfaces only, leaving the
    // endpoint map and routes as a previous daemon left them (they are its
    // last good state, still forwarding).
    ReconcileReport attachExternalOnly();

    // A link went away: its programs went with it; forget that we attached.
    void linkRemoved(int ifindex);

    const std::set<int>& attachedPods() const { return attachedPods_; }
    const std::set<int>& attachedExternal() const { return attachedExternal_; }

private:
    void attachAll(const std::vector<std::string>& names, InterfaceRole role, std::set<int>& attached,
                   ReconcileReport& report);
    void syncEndpoints(const compiler::DesiredNode& desired, ReconcileReport& report);
    void syncRoutes(const compiler::DesiredNode& desired, ReconcileReport& report);

    HostPorts ports_;
    std::vector<std::string> externalInterfaces_;
    std::set<int> attachedPods_;
    std::set<int> attachedExternal_;
};

}  // namespace nodeplane::daemon
