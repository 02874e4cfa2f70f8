// The numbers the policy compiler hands out, kept across generations (and
// re-learned from the maps after a restart) so unchanged objects keep theirs,
// and the digest of the inputs they were last handed out for.
#pragma once

#include <optional>
#include <string>

#include "common/id_allocator.h"
#include "common/ip.h"
#include "policy/desired_policy.h"
#include "policy/identity.h"
#include "policy/policy_inputs.h"

namespace nodeplane::policy {

struct PolicyIds {
    IdAllocator<std::string> pods{kLastPodIdentity, kFirstPodIdentity};  // by podIdentityKey()
    IdAllocator<IpPrefix> cidrs{kLastCidrIdentity, kFirstCidrIdentity};
    IdAllocator<std::string> policies{0x7fffffff, kFirstPolicyId};  // by "namespace/name"
    // Set by whoever keeps the compile's result (the daemon, once the state
    // is accepted): a next state with the same digest reuses that result.
    std::optional<PolicyInputsDigest> lastInputs;
};

}  // namespace nodeplane::policy
