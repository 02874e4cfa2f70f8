#include "datapath/backends.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "datapath/abi.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

namespace {

// Array entries read per bpf() call when listing.
constexpr std::uint32_t kListBatch = 4096;

// Everything but the id: what a reader copies once it matched the id.
bool sameData(const np_backend& a, const np_backend& b) {
    return std::memcmp(reinterpret_cast<const char*>(&a) + sizeof(a.id),
                       reinterpret_cast<const char*>(&b) + sizeof(b.id), sizeof(a) - sizeof(a.id)) == 0;
}

np_backend withId(np_backend value, BackendId id) {
    value.id = id;
    return value;
}

}  // namespace

Status BpfBackendTable::learn() const {
    if (learned_) return {};
    std::map<std::uint32_t, std::set<BackendId>> spilled;
    auto walked = walkMap<std::uint32_t, np_backend>(spillFd_, NP_MAP_BACKEND_SPILL, walkLimit(spillFd_),
                                                     [&](std::uint32_t id, const np_backend&) -> Status {
                                                         spilled[indexOf(id)].insert(id);
                                                         return {};
                                                     });
    if (!walked) return walked;
    auto all = list();
    if (!all) return all.error();
    std::vector<IpAddress> addresses;
    for (const auto& [id, backend] : *all) addresses.push_back(backend.address);
    if (auto ok = filter_.adopt(addresses); !ok) return ok;
    spilled_ = std::move(spilled);
    learned_ = true;
    return {};
}

Result<std::map<BackendId, Backend>> BpfBackendTable::list() const {
    std::map<BackendId, Backend> out;
    // A million-entry array in batches: one bpf() call per kListBatch entries.
    std::vector<std::uint32_t> keys(kListBatch);
    std::vector<np_backend> values(kListBatch);
    std::uint32_t cursor = 0;
    for (bool first = true;; first = false) {
        std::uint32_t count = kListBatch;
        const int err = ::bpf_map_lookup_batch(arrayFd_, first ? nullptr : &cursor, &cursor, keys.data(),
                                               values.data(), &count, nullptr);
        const int saved = errno;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (values[i].id == 0) continue;
            auto backend = decodeBackend(values[i]);
            if (!backend) return backend.error();
            out[values[i].id] = *backend;
        }
        if (err == 0) continue;
        if (saved == ENOENT) break;  // the end of the array
        return Error::fromErrno(saved, "Failed to read " NP_MAP_BACKENDS);
    }
    auto walked = walkMap<std::uint32_t, np_backend>(spillFd_, NP_MAP_BACKEND_SPILL, walkLimit(spillFd_),
                                                     [&](std::uint32_t id, const np_backend& raw) -> Status {
                                                         auto backend = decodeBackend(raw);
                                                         if (!backend) return backend.error();
                                                         out[id] = *backend;
                                                         return {};
                                                     });
    if (!walked) return walked.error();
    return out;
}

Result<np_backend> BpfBackendTable::readIndex(std::uint32_t index) const {
    np_backend value{};
    if (::bpf_map_lookup_elem(arrayFd_, &index, &value) != 0)
        return Error::fromErrno(errno, "Failed to read entry " + std::to_string(index) + " of " NP_MAP_BACKENDS);
    return value;
}

Status BpfBackendTable::writeIndex(std::uint32_t index, const np_backend& value, BackendId id) const {
    if (::bpf_map_update_elem(arrayFd_, &index, &value, BPF_ANY) != 0)
        return Error::fromErrno(errno, "Failed to write backend " + std::to_string(id) + " to " NP_MAP_BACKENDS);
    return {};
}

Status BpfBackendTable::writeSpill(BackendId id, const np_backend& value) {
    if (::bpf_map_update_elem(spillFd_, &id, &value, BPF_ANY) != 0)
        // E2BIG: full; [datapath] max-backend-entries is too small.
        return Error::fromErrno(errno, "Failed to write backend " + std::to_string(id) + " to " NP_MAP_BACKEND_SPILL);
    spilled_[indexOf(id)].insert(id);
    return {};
}

Status BpfBackendTable::deleteSpill(BackendId id) {
    if (::bpf_map_delete_elem(spillFd_, &id) != 0 && errno != ENOENT)
        return Error::fromErrno(errno,
                                "Failed to delete backend " + std::to_string(id) + " from " NP_MAP_BACKEND_SPILL);
    auto found = spilled_.find(indexOf(id));
    if (found != spilled_.end()) {
        found->second.erase(id);
        if (found->second.empty()) spilled_.erase(found);
    }
    return {};
}

Status BpfBackendTable::replaceIndex(std::uint32_t index, const np_backend& current, const np_backend& next) const {
    // Readers match the id, then copy the rest: first the id goes (its
    // readers now miss, and look in the spill map), then the rest changes
    // under id 0, then the new id appears over data already whole.
    if (current.id != 0)
        if (auto ok = writeIndex(index, withId(current, 0), current.id); !ok) return ok;
    if (!sameData(current, next))
        if (auto ok = writeIndex(index, withId(next, 0), next.id); !ok) return ok;
    return writeIndex(index, next, next.id);
}

Status BpfBackendTable::promote(std::uint32_t index, np_backend freed) {
    auto found = spilled_.find(index);
    while (found != spilled_.end() && !found->second.empty()) {
        const BackendId id = *found->second.begin();
        np_backend value{};
        if (::bpf_map_lookup_elem(spillFd_, &id, &value) != 0) {
            if (errno != ENOENT)
                return Error::fromErrno(errno,
                                        "Failed to read backend " + std::to_string(id) + " from " NP_MAP_BACKEND_SPILL);
            found->second.erase(id);
            continue;
        }
        // In the array first, then out of the spill map: never missing.
        if (auto ok = replaceIndex(index, freed, withId(value, id)); !ok) return ok;
        return deleteSpill(id);
    }
    if (found != spilled_.end()) spilled_.erase(found);
    return {};
}

Result<std::optional<IpAddress>> BpfBackendTable::addressOf(BackendId id, const np_backend& atIndex) const {
    np_backend raw = atIndex;
    if (raw.id != id) {
        auto spilled = spilled_.find(indexOf(id));
        if (spilled == spilled_.end() || !spilled->second.contains(id)) return std::optional<IpAddress>{};
        if (::bpf_map_lookup_elem(spillFd_, &id, &raw) != 0) {
            if (errno == ENOENT) return std::optional<IpAddress>{};
            return Error::fromErrno(errno,
                                    "Failed to read backend " + std::to_string(id) + " from " NP_MAP_BACKEND_SPILL);
        }
    }
    auto address = decodeAddress(raw.family, raw.addr, NP_MAP_BACKENDS);
    if (!address) return address.error();
    return std::optional<IpAddress>{*address};
}

Status BpfBackendTable::upsert(BackendId id, const Backend& backend) {
    if (id == 0 || id > kMaxBackendId)
        return Error::logical("Failed to write backend " + std::to_string(id) + ": ids are 1.." +
                              std::to_string(kMaxBackendId));
    if (auto ok = learn(); !ok) return ok;
    auto current = readIndex(indexOf(id));
    if (!current) return current.error();
    auto previous = addressOf(id, *current);
    if (!previous) return previous.error();
    // In the filter before packets can meet the backend, out of it (when it
    // changed address) after they no longer can.
    const bool moved = !*previous || !(**previous == backend.address);
    if (moved)
        if (auto ok = filter_.add(backend.address); !ok) return ok;
    if (auto ok = place(id, backend, *current); !ok) return ok;
    if (moved && *previous) return filter_.remove(**previous);
    return {};
}

Status BpfBackendTable::place(BackendId id, const Backend& backend, const np_backend& atIndex) {
    const np_backend next = encodeBackend(backend, id);
    const std::uint32_t index = indexOf(id);
    const np_backend* current = &atIndex;
    if (current->id == id) {
        if (sameData(*current, next)) return {};
        // Changed in place: readers use the spill copy while the array
        // entry goes through id 0.
        if (auto ok = writeSpill(id, next); !ok) return ok;
        if (auto ok = replaceIndex(index, *current, next); !ok) return ok;
        return deleteSpill(id);
    }
    if (current->id != 0) return writeSpill(id, next);  // the index is another live id's
    const auto spilled = spilled_.find(index);
    if (spilled == spilled_.end() || !spilled->second.contains(id))
        // A free entry and an id no packet can know yet (ids are not reused
        // while anything names them): one write.
        return writeIndex(index, next, id);
    // Out of the spill map into its own entry: readers find it in one or
    // the other throughout.
    if (auto ok = writeSpill(id, next); !ok) return ok;
    if (auto ok = replaceIndex(index, *current, next); !ok) return ok;
    return deleteSpill(id);
}

Status BpfBackendTable::erase(BackendId id) {
    if (auto ok = learn(); !ok) return ok;
    const std::uint32_t index = indexOf(id);
    auto current = readIndex(index);
    if (!current) return current.error();
    auto address = addressOf(id, *current);
    if (!address) return address.error();
    if (!*address) return {};  // absent is fine
    if (current->id != id) {
        if (auto ok = deleteSpill(id); !ok) return ok;
    } else {
        // Only the id goes: a reader sees the whole backend or none.
        const np_backend freed = withId(*current, 0);
        if (auto ok = writeIndex(index, freed, id); !ok) return ok;
        if (auto ok = promote(index, freed); !ok) return ok;
    }
    return filter_.remove(**address);
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
