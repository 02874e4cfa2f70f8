#include "datapath/policy_tables.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "datapath/map_walk.h"
#include "datapath/policy_abi.h"
#include "datapath/service_codec.h"
#include "nodeplane/abi/maps.h"

namespace nodeplane::datapath {

namespace {

np_ipcache_key ipcacheKey(const IpPrefix& prefix) {
    np_ipcache_key key{};
    key.prefixlen = NP_IPCACHE_FIXED_BITS + static_cast<std::uint32_t>(prefix.length);
    key.family = familyByte(prefix.address);
    std::memcpy(key.addr, prefix.address.bytes.data(), sizeof(key.addr));
    return key;
}

np_policy_key policyKey(const PolicyMapKey& k) {
    np_policy_key key{};
    key.endpoint_id = k.endpointId;
    key.remote_identity = k.entry.remote;
    key.direction = k.entry.direction == policy::Direction::Ingress ? NP_POLICY_INGRESS : NP_POLICY_EGRESS;
    // Every protocol: the prefix stops before the protocol byte, which stays 0.
    if (k.entry.protocol == policy::kAnyProtocol) {
        key.prefixlen = NP_POLICY_FIXED_BITS;
        return key;
    }
    key.protocol = k.entry.protocol;
    key.port = htons(k.entry.port.port);
    key.prefixlen = NP_POLICY_FIXED_BITS + 8 + k.entry.port.bits;
    return key;
}

std::string describe(const PolicyMapKey& k) {
    return "policy entry of endpoint " + std::to_string(k.endpointId) + " for identity " +
           std::to_string(k.entry.remote) + " (protocol " + std::to_string(k.entry.protocol) + ", port " +
           std::to_string(k.entry.port.port) + "/" + std::to_string(k.entry.port.bits) + ")";
}

}  // namespace

Result<std::map<IpPrefix, policy::IpcacheEntry>> BpfIpcacheTable::list() const {
    std::map<IpPrefix, policy::IpcacheEntry> out;
    auto walked = walkMap<np_ipcache_key, np_ipcache_value>(
        mapFd_, NP_MAP_IPCACHE, walkLimit(mapFd_), [&](const np_ipcache_key& key, const np_ipcache_value& v) -> Status {
            auto address = decodeAddress(key.family, key.addr, NP_MAP_IPCACHE);
            if (!address) return address.error();
            out[IpPrefix{*address, static_cast<int>(key.prefixlen) - NP_IPCACHE_FIXED_BITS}] =
                policy::IpcacheEntry{v.identity, v.cidr_identity};
            return {};
        });
    if (!walked) return walked.error();
    return out;
}

Status BpfIpcacheTable::upsert(const IpPrefix& prefix, const policy::IpcacheEntry& entry) {
    if (prefix.length < 0 || prefix.length > prefix.address.bitLength())
        return Error::logical("Failed to write ipcache entry '" + prefix.toString() + "': bad prefix length");
    const auto key = ipcacheKey(prefix);
    const np_ipcache_value value{entry.identity, entry.cidrIdentity};
    if (::bpf_map_update_elem(mapFd_, &key, &value, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write ipcache entry '" + prefix.toString() + "' to " NP_MAP_IPCACHE);
    return {};
}

Status BpfIpcacheTable::erase(const IpPrefix& prefix) {
    const auto key = ipcacheKey(prefix);
    if (::bpf_map_delete_elem(mapFd_, &key) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete ipcache entry '" + prefix.toString() + "' from " NP_MAP_IPCACHE);
    return {};
}

Result<std::map<PolicyMapKey, std::uint32_t>> BpfPolicyTable::list() const {
    std::map<PolicyMapKey, std::uint32_t> out;
    auto walked = walkMap<np_policy_key, np_policy_value>(
        mapFd_, NP_MAP_POLICY, walkLimit(mapFd_), [&](const np_policy_key& key, const np_policy_value& v) -> Status {
            PolicyMapKey k;
            k.endpointId = key.endpoint_id;
            k.entry.remote = key.remote_identity;
            k.entry.direction = key.direction == NP_POLICY_INGRESS ? policy::Direction::Ingress : policy::Direction::Egress;
            if (key.prefixlen > NP_POLICY_FIXED_BITS) {
                k.entry.protocol = key.protocol;
                k.entry.port = policy::PortPrefix{ntohs(key.port),
                                                  static_cast<std::uint8_t>(key.prefixlen - NP_POLICY_FIXED_BITS - 8)};
            }
            out[k] = v.policy_id;
            return {};
        });
    if (!walked) return walked.error();
    return out;
}

Status BpfPolicyTable::upsert(const PolicyMapKey& k, std::uint32_t policyId) {
    if (k.entry.port.bits > 16) return Error::logical("Failed to write " + describe(k) + ": bad port prefix");
    const auto key = policyKey(k);
    const np_policy_value value{policyId, 0};
    if (::bpf_map_update_elem(mapFd_, &key, &value, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write " + describe(k) + " to " NP_MAP_POLICY);
    return {};
}

Status BpfPolicyTable::erase(const PolicyMapKey& k) {
    const auto key = policyKey(k);
    if (::bpf_map_delete_elem(mapFd_, &key) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete " + describe(k) + " from " NP_MAP_POLICY);
    return {};
}

}  // namespace nodeplane::datapath
