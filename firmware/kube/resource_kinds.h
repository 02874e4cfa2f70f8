// The six kinds of object one node needs and where the API serves them.
#pragma once

#include <array>
#include <cstdint>

namespace nodeplane::kube {

enum class Kind : std::uint8_t { Node, Namespace, Pod, Service, EndpointSlice, NetworkPolicy };

struct KindInfo {
    Kind kind;
    const char* plural;    // "Pods": for logs and FeedHealth::lastError
    const char* singular;  // "Pod": as k8sjson names objects in errors
    const char* path;      // the cluster-wide collection: "/api/v1/pods"
    bool namespaced;
};

constexpr std::array<KindInfo, 6> kKinds{{
    {Kind::Node, "Nodes", "Node", "/api/v1/nodes", false},
    {Kind::Namespace, "Namespaces", "Namespace", "/api/v1/namespaces", false},
    {Kind::Pod, "Pods", "Pod", "/api/v1/pods", true},
    {Kind::Service, "Services", "Service", "/api/v1/services", true},
    {Kind::EndpointSlice, "EndpointSlices", "EndpointSlice", "/apis/discovery.k8s.io/v1/endpointslices", true},
    {Kind::NetworkPolicy, "NetworkPolicies", "NetworkPolicy", "/apis/networking.k8s.io/v1/networkpolicies", true},
}};

constexpr const KindInfo& kindInfo(Kind kind) { return kKinds[static_cast<std::size_t>(kind)]; }

}  // namespace nodeplane::kube
