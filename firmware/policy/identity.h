// Identities: the numbers policy is written in. Every distinct (namespace, pod
// labels) pair cluster-wide is one identity, so pods with the same labels share
// their policy entries and a policy's cost does not grow with replicas. A
// namespace's labels are not part of the key: when they change, identities
// keep their numbers and only the policy entries that select them change.
// Addresses that are not pods get reserved identities, and every distinct
// ipBlock prefix a CIDR identity (see cidr_classes.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/ip.h"
#include "state/model.h"

namespace nodeplane::policy {

using IdentityId = std::uint32_t;

// Numbers are part of the datapath ABI and of logs: forever.
inline constexpr IdentityId kIdentityAny = 0;         // policy entries only: every remote
inline constexpr IdentityId kIdentityHost = 1;        // this node's own addresses
inline constexpr IdentityId kIdentityWorld = 2;       // outside the cluster
inline constexpr IdentityId kIdentityRemoteNode = 3;  // other nodes' addresses
inline constexpr IdentityId kFirstPodIdentity = 256;
inline constexpr IdentityId kLastPodIdentity = (1u << 24) - 1;
inline constexpr IdentityId kFirstCidrIdentity = 1u << 24;
inline constexpr IdentityId kLastCidrIdentity = 0xfffffffeu;

// What makes a pod identity, as one string: the namespace and the labels in
// key order, separated by bytes no label key or value may hold. Cheap to hash
// and compare for 50,000 pods.
std::string podIdentityKey(const std::string& namespace_, const state::Labels& labels);

enum class IdentityKind : std::uint8_t { Reserved, Pod, Cidr };

struct Identity {
    IdentityId id = kIdentityAny;
    IdentityKind kind = IdentityKind::Reserved;
    std::string namespace_;  // Pod
    state::Labels labels;    // Pod
    std::optional<IpPrefix> cidr;  // Cidr: the ipBlock prefix this class is the longest match of

    bool operator==(const Identity&) const = default;
};

// "host", "world", "x: pod=a,app=web", "cidr 10.0.0.0/8": for logs and the CLI.
std::string describe(const Identity& identity);
const char* reservedIdentityName(IdentityId id);  // nullptr unless reserved

}  // namespace nodeplane::policy
