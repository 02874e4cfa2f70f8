// Who is behind an address, as the applied state says: a pod (with its
// namespace, workload and node), a node, or something outside the cluster.
// Built once per applied state (10,000 pods: one pass, one hash map); each
// lookup is one probe.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/ip.h"
#include "observe/flow_event.h"
#include "observe/ip_address_hash.h"
#include "state/model.h"

namespace nodeplane::observe {

// Namespace annotation that turns on logging of denied connections under
// deny delegation (GKE network policy logging).
inline constexpr const char* kDenyLoggingAnnotation = "policy.network.gke.io/enable-deny-logging";

class EndpointDirectory {
public:
    // `model.node` is this node; nothing of `model` is kept by reference.
    explicit EndpointDirectory(const state::Model& model);

    // The pod or node at `address`; Kind::Other with just the address when
    // the state does not know it. A hostNetwork pod's address is its node's:
    // it names the node, never the pod.
    Peer peerOf(const IpAddress& address) const;

    // Whether namespace `name` asks for denied connections to be logged
    // (annotation kDenyLoggingAnnotation = "true"). False for a namespace
    // the state does not list.
    bool denyLoggingEnabled(const std::string& namespaceName) const;

    std::size_t size() const { return peers_.size(); }

private:
    std::unordered_map<IpAddress, Peer, IpAddressHash> peers_;
    std::unordered_set<std::string> denyLogging_;
};

}  // namespace nodeplane::observe
