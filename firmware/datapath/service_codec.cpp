#include "datapath/service_codec.h"

#include <arpa/inet.h>

#include <cstring>
#include <string>

namespace nodeplane::datapath {

namespace {

void copyAddress(const IpAddress& address, std::uint8_t (&out)[16]) {
    static_assert(sizeof(out) == sizeof(address.bytes));
    std::memcpy(out, address.bytes.data(), sizeof(out));
}

std::uint16_t encodeFlags(const FrontendFlags& f) {
    unsigned flags = 0;
    if (f.affinity) flags |= NP_SVC_F_AFFINITY;
    if (f.externalLocal) flags |= NP_SVC_F_ETP_LOCAL;
    if (f.internalLocal) flags |= NP_SVC_F_ITP_LOCAL;
    if (f.sourceRanges) flags |= NP_SVC_F_SOURCE_RANGES;
    if (f.rejectWithoutBackend) flags |= NP_SVC_F_NO_ENDPOINT_REJECT;
    if (f.masquerade) flags |= NP_SVC_F_MASQUERADE;
    return static_cast<std::uint16_t>(flags);
}

FrontendFlags decodeFlags(unsigned flags) {
    FrontendFlags f;
    f.affinity = flags & NP_SVC_F_AFFINITY;
    f.externalLocal = flags & NP_SVC_F_ETP_LOCAL;
    f.internalLocal = flags & NP_SVC_F_ITP_LOCAL;
    f.sourceRanges = flags & NP_SVC_F_SOURCE_RANGES;
    f.rejectWithoutBackend = flags & NP_SVC_F_NO_ENDPOINT_REJECT;
    f.masquerade = flags & NP_SVC_F_MASQUERADE;
    return f;
}

}  // namespace

std::uint8_t familyByte(const IpAddress& address) { return address.isV4() ? NP_FAMILY_IPV4 : NP_FAMILY_IPV6; }

Result<IpAddress> decodeAddress(std::uint8_t family, const std::uint8_t (&bytes)[16], const char* mapName) {
    IpAddress address;
    if (family == NP_FAMILY_IPV4) {
        address.family = IpFamily::V4;
        std::memcpy(address.bytes.data(), bytes, 4);  // the rest must read as zero
    } else if (family == NP_FAMILY_IPV6) {
        address.family = IpFamily::V6;
        std::memcpy(address.bytes.data(), bytes, 16);
    } else {
        return Error::logical(std::string("Map ") + mapName + " holds an address of unknown family " +
                              std::to_string(family));
    }
    return address;
}

np_service_key encodeFrontendKey(const FrontendKey& key) {
    np_service_key out{};  // zeroed: pad and unused bytes are hashed too
    out.family = familyByte(key.address);
    out.protocol = static_cast<std::uint8_t>(key.protocol);
    out.scope = static_cast<std::uint8_t>(key.scope);
    out.port = htons(key.port);
    copyAddress(key.address, out.addr);
    return out;
}

Result<FrontendKey> decodeFrontendKey(const np_service_key& key) {
    auto address = decodeAddress(key.family, key.addr, NP_MAP_SERVICES);
    if (!address) return address.error();
    FrontendKey out;
    out.address = *address;
    out.port = ntohs(key.port);
    out.protocol = static_cast<L4Protocol>(key.protocol);
    out.scope = static_cast<ServiceScope>(key.scope);
    return out;
}

np_service_value encodeFrontendValue(const FrontendValue& value, std::uint32_t backendCount, std::uint8_t activeHalf,
                                     std::uint32_t slotBase) {
    np_service_value out{};
    out.slot_base = slotBase;
    out.service_id = value.serviceId;
    out.backend_count = backendCount;
    out.rev_nat_id = value.revNatId;
    out.affinity_timeout_s = value.affinityTimeoutSeconds;
    out.flags = encodeFlags(value.flags);
    out.active_half = activeHalf;
    return out;
}

FrontendEntry decodeFrontendValue(const np_service_value& value) {
    FrontendEntry out;
    out.value.serviceId = value.service_id;
    out.value.revNatId = value.rev_nat_id;
    out.value.flags = decodeFlags(value.flags);
    out.value.affinityTimeoutSeconds = value.affinity_timeout_s;
    out.backendCount = value.backend_count;
    out.activeHalf = value.active_half;
    return out;
}

np_backend encodeBackend(const Backend& backend, BackendId id) {
    np_backend out{};
    out.id = id;
    out.family = familyByte(backend.address);
    out.protocol = static_cast<std::uint8_t>(backend.protocol);
    out.flags = static_cast<std::uint8_t>((backend.local ? NP_BACKEND_F_LOCAL : 0) |
                                          (backend.terminating ? NP_BACKEND_F_TERMINATING : 0));
    out.port = htons(backend.port);
    copyAddress(backend.address, out.addr);
    return out;
}

Result<Backend> decodeBackend(const np_backend& backend) {
    auto address = decodeAddress(backend.family, backend.addr, NP_MAP_BACKENDS);
    if (!address) return address.error();
    Backend out;
    out.address = *address;
    out.port = ntohs(backend.port);
    out.protocol = static_cast<L4Protocol>(backend.protocol);
    out.local = backend.flags & NP_BACKEND_F_LOCAL;
    out.terminating = backend.flags & NP_BACKEND_F_TERMINATING;
    return out;
}

np_rev_nat encodeRevNat(const RevNatTarget& target) {
    np_rev_nat out{};
    out.family = familyByte(target.address);
    out.port = htons(target.port);
    copyAddress(target.address, out.addr);
    return out;
}

Result<RevNatTarget> decodeRevNat(const np_rev_nat& target) {
    auto address = decodeAddress(target.family, target.addr, NP_MAP_REV_NAT);
    if (!address) return address.error();
    return RevNatTarget{*address, ntohs(target.port)};
}

}  // namespace nodeplane::datapath
