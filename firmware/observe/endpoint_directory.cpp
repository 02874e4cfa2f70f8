#include "observe/endpoint_directory.h"

#include "observe/workload.h"

namespace nodeplane::observe {

namespace {

Peer nodePeer(const IpAddress& address, const std::string& nodeName) {
    Peer peer;
    peer.kind = Peer::Kind::Node;
    peer.address = address;
    peer.workloadKind = "Node";
    peer.nodeName = nodeName;
    return peer;
}

}  // namespace

EndpointDirectory::EndpointDirectory(const state::Model& model) {
    peers_.reserve(model.pods.size() + model.nodes.size() * 2);
    // Nodes first: an address that is both a node's and a pod's is the
    // node's, as policy treats it (policy::ClusterView).
    for (const auto& node : model.nodes)
        for (const auto& address : node.addresses) peers_.insert_or_assign(address, nodePeer(address, node.name));

    for (const auto& pod : model.pods) {
        if (pod.hostNetwork) {
            // Its IPs are the node's; when the node lists them they are
            // already there, and when it does not they still mean the node.
            for (const auto& address : pod.podIPs)
                if (!pod.nodeName.empty()) peers_.try_emplace(address, nodePeer(address, pod.nodeName));
            continue;
        }
        if (pod.podIPs.empty()) continue;
        Workload workload = workloadOf(pod);
        for (const auto& address : pod.podIPs) {
            Peer peer;
            peer.kind = Peer::Kind::Pod;
            peer.address = address;
            peer.podName = pod.name;
            peer.podNamespace = pod.namespace_;
            peer.workloadKind = workload.kind;
            peer.workloadName = workload.name;
            peer.nodeName = pod.nodeName;
            peers_.try_emplace(address, std::move(peer));
        }
    }

    for (const auto& ns : model.namespaces) {
        auto annotation = ns.annotations.find(kDenyLoggingAnnotation);
        if (annotation != ns.annotations.end() && annotation->second == "true") denyLogging_.insert(ns.name);
    }
}

Peer EndpointDirectory::peerOf(const IpAddress& address) const {
    if (auto it = peers_.find(address); it != peers_.end()) return it->second;
    Peer other;
    other.address = address;
    return other;
}

bool EndpointDirectory::denyLoggingEnabled(const std::string& namespaceName) const {
    return denyLogging_.contains(namespaceName);
}

}  // namespace nodeplane::observe
