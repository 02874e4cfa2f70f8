// The numbers the policy compiler hands out, kept across generations (and
// re-learned from the maps after a restart) so unchanged objects keep theirs.
#pragma once

#include <string>

#include "common/id_allocator.h"
#include "common/ip.h"
#include "policy/desired_policy.h"
#include "policy/identity.h"

namespace nodeplane::policy {

struct PolicyIds {
    IdAllocator<std::string> pods{kLastPodIdentity, kFirstPodIdentity};  // by podIdentityKey()
    IdAllocator<IpPrefix> cidrs{kLastCidrIdentity, kFirstCidrIdentity};
    IdAllocator<std::string> policies{0x7fffffff, kFirstPolicyId};  // by "namespace/name"
};

}  // namespace nodeplane::policy
