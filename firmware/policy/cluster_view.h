// The cluster as policy sees it: every pod's identity, the namespace labels
// selectors match against, the ports pods name, and the address-to-identity
// map. Built once per generation; the rule compiler only reads it.
#pragma once

#include <map>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "policy/cidr_classes.h"
#include "policy/desired_policy.h"
#include "policy/policy_ids.h"
#include "state/model.h"

namespace nodeplane::policy {

// (port name, protocol) -> the numbers pods of one identity give that name.
using NamedPorts = std::map<std::pair<std::string, state::Protocol>, std::set<std::uint16_t>>;

struct PodIdentity {
    IdentityId id = kIdentityAny;
    const std::string* namespace_ = nullptr;
    const state::Labels* labels = nullptr;
    const state::Labels* namespaceLabels = nullptr;  // empty when the namespace is not in the state
    NamedPorts namedPorts;                           // union over the identity's pods
};

// The pod identities of one namespace, with the labels namespaceSelectors
// match (empty when the namespace is not in the state).
struct NamespaceIdentities {
    const std::string* name = nullptr;
    const state::Labels* labels = nullptr;
    std::vector<std::size_t> pods;  // indices into podIdentities()
};

struct CidrIdentity {
    IdentityId id = kIdentityAny;
    IpPrefix prefix;
    NamedPorts namedPorts;  // union over the pods whose address is of this class
};

class ClusterView {
public:
    ClusterView(const state::Model& model, PolicyIds& ids);

    const std::vector<PodIdentity>& podIdentities() const { return pods_; }
    const std::vector<CidrIdentity>& cidrIdentities() const { return cidrs_; }
    // The identity of model.pods[index]; kIdentityAny for host-network pods
    // and pods without an address.
    IdentityId identityOfPod(std::size_t index) const { return podIdentity_[index]; }
    // Pod identities by namespace, so a peer is matched against 500
    // namespaces and then their identities, not against every identity.
    const std::vector<NamespaceIdentities>& namespaces() const { return namespaces_; }
    const NamespaceIdentities* namespaceNamed(const std::string& name) const;

    // Fills identities and ipcache of `out`.
    void exportTo(DesiredPolicy& out) const;

private:
    std::vector<PodIdentity> pods_;
    std::vector<CidrIdentity> cidrs_;
    std::vector<NamespaceIdentities> namespaces_;
    std::unordered_map<std::string, std::size_t> namespaceIndex_;
    std::vector<IdentityId> podIdentity_;  // by index into model.pods
    std::map<IpPrefix, IpcacheEntry> ipcache_;
};

}  // namespace nodeplane::policy
