#include "datapath/backends.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <string>

#include "datapath/abi.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

Result<std::map<BackendId, Backend>> BpfBackendTable::list() const {
    std::map<BackendId, Backend> out;
    auto walked = walkMap<std::uint32_t, np_backend>(mapFd_, NP_MAP_BACKENDS, walkLimit(mapFd_),
                                                     [&](std::uint32_t id, const np_backend& raw) -> Status {
                                                         auto backend = decodeBackend(raw);
                                                         if (!backend) return backend.error();
                                                         out[id] = *backend;
                                                         return {};
                                                     });
    if (!walked) return walked.error();
    return out;
}

Status BpfBackendTable::upsert(BackendId id, const Backend& backend) {
    if (id == 0 || id > kMaxBackendId)
        return Error::logical("Failed to write backend " + std::to_string(id) + ": ids are 1.." +
                              std::to_string(kMaxBackendId));
    const np_backend raw = encodeBackend(backend);
    if (::bpf_map_update_elem(mapFd_, &id, &raw, BPF_ANY) != 0)
        // E2BIG: full; [datapath] max-backends is too small.
        return Error::fromErrno(errno, "Failed to write backend " + std::to_string(id) + " ('" +
                                           backend.address.toString() + "') to " NP_MAP_BACKENDS);
    return {};
}

Status BpfBackendTable::erase(BackendId id) {
    if (::bpf_map_delete_elem(mapFd_, &id) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete backend " + std::to_string(id) + " from " NP_MAP_BACKENDS);
    return {};
}

Result<std::map<std::uint32_t, RevNatTarget>> BpfRevNatTable::list() const {
    std::map<std::uint32_t, RevNatTarget> out;
    auto walked = walkMap<std::uint32_t, np_rev_nat>(mapFd_, NP_MAP_REV_NAT, walkLimit(mapFd_),
                                                     [&](std::uint32_t id, const np_rev_nat& raw) -> Status {
                                                         auto target = decodeRevNat(raw);
                                                         if (!target) return target.error();
                                                         out[id] = *target;
                                                         return {};
                                                     });
    if (!walked) return walked.error();
    return out;
}

Status BpfRevNatTable::upsert(std::uint32_t revNatId, const RevNatTarget& target) {
    const np_rev_nat raw = encodeRevNat(target);
    if (::bpf_map_update_elem(mapFd_, &revNatId, &raw, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write rev-NAT " + std::to_string(revNatId) + " to " NP_MAP_REV_NAT);
    return {};
}

Status BpfRevNatTable::erase(std::uint32_t revNatId) {
    if (::bpf_map_delete_elem(mapFd_, &revNatId) != 0 && errno != ENOENT)
        return Error::fromErrno(errno,
                                "Failed to delete rev-NAT " + std::to_string(revNatId) + " from " NP_MAP_REV_NAT);
    return {};
}

}  // namespace nodeplane::datapath
