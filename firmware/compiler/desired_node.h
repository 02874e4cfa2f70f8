// The pure half of the state flow: a Model in, the datapath and host state this
// node should have out (local endpoints, pod interfaces, routes to the other
// nodes' pods). No I/O; the reconciler applies the difference.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "common/ip.h"
#include "state/model.h"

namespace nodeplane::compiler {

// A pod address on this node and the host-side interface it is reached through.
struct LocalEndpoint {
    IpAddress ip;
    std::string interface;
    std::string pod;  // "namespace/name", for logs and status
    std::uint32_t endpointId = 0;
    // Filled in from the policy compile: the pod's identity and its
    // isolation (np_endpoint_flags), which the datapath reads per packet.
    std::uint32_t identity = 0;
    std::uint32_t policyFlags = 0;

    bool operator==(const LocalEndpoint&) const = default;
};

// Native routing across nodes: another node's podCIDR is reached through that
// node's own address, which must be on a network this node is directly
// connected to (no encapsulation, the pod addresses travel as they are).
struct NodeRoute {
    IpPrefix podCIDR;
    IpAddress gateway;  // the node's first IPv4 address (InternalIPs come first)
    std::string node;   // for logs and status

    bool operator==(const NodeRoute&) const = default;
};

struct DesiredNode {
    std::string nodeName;
    std::vector<LocalEndpoint> localEndpoints;  // sorted by ip
    std::vector<std::string> podInterfaces;     // sorted, unique
    std::vector<NodeRoute> nodeRoutes;          // IPv4 only, sorted by podCIDR, none overlapping
    bool nodeEligible = true;                   // not deleting, not marked for scale-down

    bool operator==(const DesiredNode&) const = default;
};

// Stable small numbers for local pods across state generations, so datapath
// entries keep their identity when unrelated objects change. Ids of pods that
// left are not reused until the 32-bit space wraps. A restarted daemon seeds
// it from the pinned endpoint map first, so pods keep the ids its predecessor
// gave them whatever order the new snapshot lists them in.
class EndpointIdAllocator {
public:
    std::uint32_t idFor(const std::string& podKey);
    // Forgets pods not in `live`.
    void retain(const std::vector<std::string>& live);

    // Gives `podKey` the id a previous daemon gave it (read from the maps).
    void seed(const std::string& podKey, std::uint32_t id);
    // Never hands out `id` or below (until the space wraps): ids the maps
    // hold for pods that are gone or whose key is unknown.
    void skipPast(std::uint32_t id);
    bool knows(const std::string& podKey) const { return ids_.contains(podKey); }

    // Whether the maps a previous daemon left were read (or found unreadable):
    // only the first compile of a process may seed.
    bool adopted() const { return adopted_; }
    void markAdopted() { adopted_ = true; }

private:
    std::map<std::string, std::uint32_t> ids_;
    std::uint32_t next_ = 1;
    bool adopted_ = false;
};

struct Limits {
    std::uint32_t maxLocalEndpoints = 65536;
};

struct CompileResult {
    bool ok() const { return errors.empty(); }
    DesiredNode desired;
    InputErrors errors;    // e.g. the state does not fit the datapath's maps
    InputErrors warnings;  // tolerated: another node's podCIDR left unrouted, and why
};

CompileResult compileNode(const state::Model& model, const Limits& limits, EndpointIdAllocator& ids);

// kube-proxy's node eligibility: a node being deleted, or tainted by the
// cluster autoscaler for scale-down, should fail load-balancer health checks.
bool nodeEligible(const state::Node& node);

// The routes to every other node's IPv4 podCIDRs (part of compileNode). A
// podCIDR is skipped, with a warning, when its node has no IPv4 address or
// when routing it could capture traffic of this node: it overlaps one of this
// node's podCIDRs, pods or addresses, contains its own gateway, or overlaps a
// podCIDR already routed to another node (nodes are taken in name order).
// IPv6 podCIDRs are not routed yet, silently: a dual-stack cluster is normal.
std::vector<NodeRoute> planNodeRoutes(const state::Model& model, const std::vector<LocalEndpoint>& localEndpoints,
                                      InputErrors& warnings);

}  // namespace nodeplane::compiler
