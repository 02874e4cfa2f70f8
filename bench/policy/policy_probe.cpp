#include "policy_probe.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>

#include "datapath/abi.h"
#include "datapath/policy_abi.h"

namespace nodeplane::bench {

namespace {

Result<UniqueFd> openPinned(const std::string& mapsDir, const char* name) {
    const std::string path = mapsDir + "/" + name;
    UniqueFd fd(::bpf_obj_get(path.c_str()));
    if (!fd.valid()) return Error::fromErrno(errno, "Failed to open the pinned map '" + path + "'");
    return fd;
}

}  // namespace

Result<PolicyProbe> PolicyProbe::open(const std::string& mapsDir) {
    auto ipcache = openPinned(mapsDir, NP_MAP_IPCACHE);
    if (!ipcache) return ipcache.error();
    auto policy = openPinned(mapsDir, NP_MAP_POLICY);
    if (!policy) return policy.error();
    return PolicyProbe(std::move(ipcache).value(), std::move(policy).value());
}

Result<std::optional<policy::IdentityId>> PolicyProbe::identityOf(const IpAddress& ip) const {
    np_ipcache_key key{};
    key.family = ip.isV4() ? NP_FAMILY_IPV4 : NP_FAMILY_IPV6;
    key.prefixlen = NP_IPCACHE_FIXED_BITS + static_cast<std::uint32_t>(ip.bitLength());
    std::memcpy(key.addr, ip.bytes.data(), sizeof(key.addr));
    np_ipcache_value value{};
    if (::bpf_map_lookup_elem(ipcache_.get(), &key, &value) != 0) {
        if (errno == ENOENT) return std::optional<policy::IdentityId>();
        return Error::fromErrno(errno, "Failed to read an address from " NP_MAP_IPCACHE);
    }
    return std::optional<policy::IdentityId>(value.identity);
}

Result<std::optional<std::uint32_t>> PolicyProbe::allowedBy(std::uint32_t endpointId, policy::IdentityId remote,
                                                            policy::Direction direction, std::uint8_t protocol,
                                                            std::uint16_t port) const {
    np_policy_key key{};
    key.prefixlen = NP_POLICY_FULL_BITS;
    key.endpoint_id = endpointId;
    key.remote_identity = remote;
    key.direction = direction == policy::Direction::Ingress ? NP_POLICY_INGRESS : NP_POLICY_EGRESS;
    key.protocol = protocol;
    key.port = htons(port);
    np_policy_value value{};
    if (::bpf_map_lookup_elem(policy_.get(), &key, &value) != 0) {
        if (errno == ENOENT) return std::optional<std::uint32_t>();
        return Error::fromErrno(errno, "Failed to read an entry from " NP_MAP_POLICY);
    }
    return std::optional<std::uint32_t>(value.policy_id);
}

}  // namespace nodeplane::bench
