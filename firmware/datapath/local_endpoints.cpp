#include "datapath/local_endpoints.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "datapath/abi.h"

namespace nodeplane::datapath {

namespace {

np_endpoint_key toKey(const IpAddress& address) {
    np_endpoint_key key{};  // zeroed: pad and unused bytes are hashed too
    key.family = address.isV4() ? NP_FAMILY_IPV4 : NP_FAMILY_IPV6;
    static_assert(sizeof(key.addr) == sizeof(address.bytes));
    std::memcpy(key.addr, address.bytes.data(), sizeof(key.addr));
    return key;
}

Result<IpAddress> fromKey(const np_endpoint_key& key) {
    IpAddress address;
    if (key.family == NP_FAMILY_IPV4) {
        address.family = IpFamily::V4;
        std::memcpy(address.bytes.data(), key.addr, 4);  // the rest must read as zero
    } else if (key.family == NP_FAMILY_IPV6) {
        address.family = IpFamily::V6;
        std::memcpy(address.bytes.data(), key.addr, sizeof(key.addr));
    } else {
        return Error::logical("Map " NP_MAP_LOCAL_ENDPOINTS " holds a key of unknown family " +
                              std::to_string(key.family));
    }
    return address;
}

std::string describe(const IpAddress& address) { return "'" + address.toString() + "'"; }

bool isIsolated(const LocalEndpoint& endpoint) {
    return (endpoint.flags & (NP_ENDPOINT_F_INGRESS_ISOLATED | NP_ENDPOINT_F_EGRESS_ISOLATED)) != 0;
}

}  // namespace

Result<std::map<IpAddress, LocalEndpoint>> BpfLocalEndpointTable::list() const {
    std::map<IpAddress, LocalEndpoint> out;
    np_endpoint_key key{}, next{};
    const np_endpoint_key* previous = nullptr;  // NULL asks for the first key
    while (::bpf_map_get_next_key(mapFd_, previous, &next) == 0) {
        key = next;
        previous = &key;
        np_endpoint_value value{};
        if (::bpf_map_lookup_elem(mapFd_, &key, &value) != 0) {
            if (errno == ENOENT) continue;  // erased since the key walk saw it
            return Error::fromErrno(errno, "Failed to read " NP_MAP_LOCAL_ENDPOINTS);
        }
        auto address = fromKey(key);
        if (!address) return address.error();
        out[*address] = LocalEndpoint{value.ifindex, value.endpoint_id, value.identity, value.flags};
    }
    if (errno != ENOENT) return Error::fromErrno(errno, "Failed to walk " NP_MAP_LOCAL_ENDPOINTS);
    return out;
}

Status BpfLocalEndpointTable::adopt() {
    auto entries = list();
    if (!entries) return entries.error();
    std::vector<IpAddress> all, isolated;
    isolated_.clear();
    for (const auto& [address, endpoint] : *entries) {
        all.push_back(address);
        if (isIsolated(endpoint)) isolated.push_back(address);
        isolated_[address] = isIsolated(endpoint);
    }
    if (auto ok = endpointAddrs_.adopt(all); !ok) return ok;
    return isolatedAddrs_.adopt(isolated);
}

Status BpfLocalEndpointTable::upsert(const IpAddress& address, const LocalEndpoint& endpoint) {
    const auto known = isolated_.find(address);
    const bool existed = known != isolated_.end();
    const bool wasIsolated = existed && known->second;
    const bool isolated = isIsolated(endpoint);
    // Bits first: a packet must never skip an entry that is already there.
    if (!existed)
        if (auto ok = endpointAddrs_.add(address); !ok) return ok;
    if (isolated && !wasIsolated) {
        if (auto ok = isolatedAddrs_.add(address); !ok) {
            if (!existed) (void)endpointAddrs_.remove(address);
            return ok;
        }
    }
    const np_endpoint_key key = toKey(address);
    const np_endpoint_value value{endpoint.ifindex, endpoint.endpointId, endpoint.identity, endpoint.flags};
    if (int err = ::bpf_map_update_elem(mapFd_, &key, &value, BPF_ANY); err != 0) {
        if (isolated && !wasIsolated) (void)isolatedAddrs_.remove(address);
        if (!existed) (void)endpointAddrs_.remove(address);
        // E2BIG: the map is full; [datapath] max-local-endpoints is too small.
        return Error::fromErrno(err, "Failed to write local endpoint " + describe(address) + " to " +
                                         NP_MAP_LOCAL_ENDPOINTS);
    }
    isolated_[address] = isolated;
    // No longer isolated: its bit goes only now that the entry says so.
    if (wasIsolated && !isolated) return isolatedAddrs_.remove(address);
    return {};
}

Status BpfLocalEndpointTable::erase(const IpAddress& address) {
    const np_endpoint_key key = toKey(address);
    if (::bpf_map_delete_elem(mapFd_, &key) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete local endpoint " + describe(address) + " from " +
                                           NP_MAP_LOCAL_ENDPOINTS);
    const auto known = isolated_.find(address);
    if (known == isolated_.end()) return {};
    const bool wasIsolated = known->second;
    isolated_.erase(known);
    if (auto ok = endpointAddrs_.remove(address); !ok) return ok;
    if (wasIsolated) return isolatedAddrs_.remove(address);
    return {};
}

}  // namespace nodeplane::datapath
