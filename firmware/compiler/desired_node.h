// The pure half of the state flow: a Model in, the datapath and host state this
// node should have out. No I/O; the reconciler applies the difference.
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

    bool operator==(const LocalEndpoint&) const = default;
};

struct DesiredNode {
    std::string nodeName;
    std::vector<LocalEndpoint> localEndpoints;  // sorted by ip
    std::vector<std::string> podInterfaces;     // sorted, unique
    bool nodeEligible = true;                   // not deleting, not marked for scale-down

    bool operator==(const DesiredNode&) const = default;
};

// Stable small numbers for local pods across state generations, so datapath
// entries keep their identity when unrelated objects change. Ids of pods that
// left are not reused until the 32-bit space wraps.
class EndpointIdAllocator {
public:
    std::uint32_t idFor(const std::string& podKey);
    // Forgets pods not in `live`.
    void retain(const std::vector<std::string>& live);

private:
    std::map<std::string, std::uint32_t> ids_;
    std::uint32_t next_ = 1;
};

struct Limits {
    std::uint32_t maxLocalEndpoints = 65536;
};

struct CompileResult {
    bool ok() const { return errors.empty(); }
    DesiredNode desired;
    InputErrors errors;  // e.g. the state does not fit the datapath's maps
};

CompileResult compileNode(const state::Model& model, const Limits& limits, EndpointIdAllocator& ids);

// kube-proxy's node eligibility: a node being deleted, or tainted by the
// cluster autoscaler for scale-down, should fail load-balancer health checks.
bool nodeEligible(const state::Node& node);

}  // namespace nodeplane::compiler
