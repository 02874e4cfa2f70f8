// ipBlock peers as identities. Take every cidr and except of every ipBlock:
// for an address, the longest of those prefixes that contains it decides
// which ipBlocks it is in (every listed prefix that contains the address
// contains that longest one too, and no other listed prefix does). So each
// listed prefix is one class, one CIDR identity, and the datapath needs one
// LPM lookup to know an address's class, whatever the number of policies.
#pragma once

#include <map>
#include <optional>
#include <set>

#include "common/ip.h"
#include "state/model.h"

namespace nodeplane::policy {

class CidrClasses {
public:
    explicit CidrClasses(const std::set<IpPrefix>& prefixes);

    // The longest listed prefix that contains `ip`, if any.
    std::optional<IpPrefix> classOf(const IpAddress& ip) const;

    // Whether every address of class `cls` is in `block` (in its cidr and in
    // none of its excepts).
    static bool inBlock(const IpPrefix& cls, const state::IpBlock& block);

    const std::set<IpPrefix>& prefixes() const { return prefixes_; }

private:
    std::set<IpPrefix> prefixes_;
    // Per family, the listed prefix lengths, longest first, for classOf().
    std::map<IpFamily, std::set<int, std::greater<>>> lengths_;
};

// `outer` contains every address of `inner`.
bool covers(const IpPrefix& outer, const IpPrefix& inner);
// `ip` with every bit after the first `length` cleared.
IpAddress maskAddress(const IpAddress& ip, int length);

}  // namespace nodeplane::policy
