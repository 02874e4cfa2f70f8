// Reads the pinned policy maps straight from the bpf filesystem, the way the
// datapath does on a flow's first packet: np_ipcache_v1 for an address's
// identity, np_policy_v1 for whether an endpoint admits a remote identity on
// a protocol and port (longest-prefix match, so a range or any-port entry
// counts). One lookup per call: cheap enough to poll next to a busy daemon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/ip.h"
#include "common/result.h"
#include "common/unique_fd.h"
#include "policy/desired_policy.h"

namespace nodeplane::bench {

class PolicyProbe {
public:
    // `mapsDir`: the daemon's <[datapath] bpffs>/maps.
    static Result<PolicyProbe> open(const std::string& mapsDir);

    // The identity of `ip` (its longest-prefix entry); nullopt when none.
    Result<std::optional<policy::IdentityId>> identityOf(const IpAddress& ip) const;

    // The policy id of the entry that admits `remote` to or from `endpointId`
    // on `protocol`/`port`; nullopt when no entry does (for that identity
    // itself: the datapath also tries the address's ipBlock class and "any").
    Result<std::optional<std::uint32_t>> allowedBy(std::uint32_t endpointId, policy::IdentityId remote,
                                                   policy::Direction direction, std::uint8_t protocol,
                                                   std::uint16_t port) const;

private:
    PolicyProbe(UniqueFd ipcache, UniqueFd policy) : ipcache_(std::move(ipcache)), policy_(std::move(policy)) {}
    UniqueFd ipcache_;
    UniqueFd policy_;
};

}  // namespace nodeplane::bench
