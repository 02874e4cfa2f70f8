#include "datapath/services.h"

#include <bpf/bpf.h>

#include <cerrno>
#include <string>

#include "datapath/abi.h"
#include "datapath/grace_period.h"
#include "datapath/map_walk.h"
#include "datapath/service_codec.h"

namespace nodeplane::datapath {

namespace {

std::string describe(const FrontendKey& key) {
    const char* proto = key.protocol == L4Protocol::Tcp ? "tcp" : key.protocol == L4Protocol::Udp ? "udp" : "sctp";
    const std::string address = key.address.isV4() ? key.address.toString() : "[" + key.address.toString() + "]";
    return "'" + address + ":" + std::to_string(key.port) + "/" + proto +
           (key.scope == ServiceScope::External ? " external'" : "'");
}

np_backend_slot_key slotKey(std::uint32_t serviceId, std::uint8_t half, std::uint32_t index) {
    np_backend_slot_key key{};
    key.service_id = serviceId;
    key.index = static_cast<std::uint16_t>(index);
    key.half = half;
    return key;
}

std::string serviceName(std::uint32_t serviceId) { return "service " + std::to_string(serviceId); }

}  // namespace

Status BpfServiceTable::learn() const {
    if (learned_) return {};
    std::map<std::uint32_t, SlotState> found;
    std::map<FrontendKey, std::uint32_t> serviceOf;
    auto walked = walkMap<np_service_key, np_service_value>(
        servicesFd_, NP_MAP_SERVICES, walkLimit(servicesFd_),
        [&](const np_service_key& rawKey, const np_service_value& value) -> Status {
            auto key = decodeFrontendKey(rawKey);
            if (!key) return key.error();
            auto& state = found[value.service_id];
            // Frontends of one service agree unless a daemon died inside a
            // flip; the first one seen wins and the next flip rewrites all.
            if (state.frontends.empty()) {
                state.activeHalf = value.active_half;
                state.count = value.backend_count;
            }
            state.frontends.insert(*key);
            serviceOf[*key] = value.service_id;
            return {};
        });
    if (!walked) return walked;
    slots_ = std::move(found);
    serviceOf_ = std::move(serviceOf);
    learned_ = true;
    return {};
}

void BpfServiceTable::index(const FrontendKey& key, std::optional<std::uint32_t> serviceId) {
    auto previous = serviceOf_.find(key);
    if (previous != serviceOf_.end()) {
        if (serviceId && previous->second == *serviceId) return;
        auto old = slots_.find(previous->second);
        if (old != slots_.end()) old->second.frontends.erase(key);
        serviceOf_.erase(previous);
    }
    if (!serviceId) return;
    slots_[*serviceId].frontends.insert(key);
    serviceOf_.emplace(key, *serviceId);
}

Result<std::map<FrontendKey, FrontendEntry>> BpfServiceTable::list() const {
    std::map<FrontendKey, FrontendEntry> out;
    auto walked = walkMap<np_service_key, np_service_value>(
        servicesFd_, NP_MAP_SERVICES, walkLimit(servicesFd_),
        [&](const np_service_key& rawKey, const np_service_value& value) -> Status {
            auto key = decodeFrontendKey(rawKey);
            if (!key) return key.error();
            out[*key] = decodeFrontendValue(value);
            return {};
        });
    if (!walked) return walked.error();
    return out;
}

Status BpfServiceTable::upsert(const FrontendKey& key, const FrontendValue& value) {
    if (auto ok = learn(); !ok) return ok;
    auto& state = slots_[value.serviceId];
    const np_service_key rawKey = encodeFrontendKey(key);
    const np_service_value rawValue = encodeFrontendValue(value, state.count, state.activeHalf);
    if (::bpf_map_update_elem(servicesFd_, &rawKey, &rawValue, BPF_ANY) != 0)
        // E2BIG: full; [datapath] max-services is too small.
        return Error::fromErrno(errno, "Failed to write frontend " + describe(key) + " to " NP_MAP_SERVICES);
    // A frontend moved to another service id leaves its old one.
    index(key, value.serviceId);
    return {};
}

Status BpfServiceTable::erase(const FrontendKey& key) {
    if (auto ok = learn(); !ok) return ok;
    const np_service_key rawKey = encodeFrontendKey(key);
    if (::bpf_map_delete_elem(servicesFd_, &rawKey) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete frontend " + describe(key) + " from " NP_MAP_SERVICES);
    index(key, std::nullopt);
    return {};
}

Status BpfServiceTable::deleteSlots(std::uint32_t serviceId, std::uint8_t half, std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t i = from; i < to; ++i) {
        const auto key = slotKey(serviceId, half, i);
        if (::bpf_map_delete_elem(slotsFd_, &key) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to delete a backend slot of " + serviceName(serviceId) +
                                               " from " NP_MAP_BACKEND_SLOTS);
    }
    return {};
}

Status BpfServiceTable::checkSet(std::uint32_t serviceId, const std::vector<BackendId>& backends) const {
    if (backends.size() > NP_MAX_BACKENDS_PER_SERVICE)
        return Error::logical("Failed to set the backends of " + serviceName(serviceId) + ": " +
                              std::to_string(backends.size()) + " is more than " +
                              std::to_string(NP_MAX_BACKENDS_PER_SERVICE));
    for (BackendId id : backends)
        if (id == 0 || id > kMaxBackendId)
            return Error::logical("Failed to set the backends of " + serviceName(serviceId) + ": backend id " +
                                  std::to_string(id) + " is outside 1.." + std::to_string(kMaxBackendId));
    return {};
}

Status BpfServiceTable::writeAndFlip(std::uint32_t serviceId, const std::vector<BackendId>& backends,
                                     std::vector<Cleanup>& cleanups) {
    auto& state = slots_[serviceId];
    const std::uint8_t oldHalf = state.activeHalf;
    const std::uint8_t newHalf = static_cast<std::uint8_t>(1 - oldHalf);
    const auto count = static_cast<std::uint32_t>(backends.size());

    // 1. The idle half: no frontend points at it, so partial is invisible.
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto key = slotKey(serviceId, newHalf, i);
        if (::bpf_map_update_elem(slotsFd_, &key, &backends[i], BPF_ANY) != 0)
            // E2BIG: full; [datapath] max-backend-slots is too small.
            return Error::fromErrno(errno, "Failed to write the backend slots of " + serviceName(serviceId) +
                                               " to " NP_MAP_BACKEND_SLOTS);
    }
    // 2. The flip: each frontend's count and half change in one update. A
    // hash map update swaps in a whole new element, so a reader sees the
    // old pair or the new pair, never a mix.
    for (const auto& key : state.frontends) {
        const np_service_key rawKey = encodeFrontendKey(key);
        np_service_value value{};
        if (::bpf_map_lookup_elem(servicesFd_, &rawKey, &value) != 0) {
            if (errno == ENOENT) continue;
            return Error::fromErrno(errno, "Failed to read frontend " + describe(key) + " from " NP_MAP_SERVICES);
        }
        value.backend_count = count;
        value.active_half = newHalf;
        if (::bpf_map_update_elem(servicesFd_, &rawKey, &value, BPF_EXIST) != 0 && errno != ENOENT)
            // Frontends flipped so far read the new half, the rest the old
            // one: both are whole, and the old one is kept (no cleanup).
            return Error::fromErrno(errno, "Failed to switch frontend " + describe(key) + " to its new backends");
    }
    cleanups.push_back({serviceId, oldHalf, state.count});
    state.activeHalf = newHalf;
    state.count = count;
    return {};
}

Status BpfServiceTable::replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) {
    for (const auto& [serviceId, backends] : sets)
        if (auto ok = checkSet(serviceId, backends); !ok) return ok;
    if (auto ok = learn(); !ok) return ok;

    std::vector<Cleanup> cleanups;
    Status result;
    for (const auto& [serviceId, backends] : sets) {
        result = writeAndFlip(serviceId, backends, cleanups);
        if (!result) break;
    }
    // 3. The old halves. A packet that read its frontend just before the
    // flip may still be about to read a slot of the old half: wait until
    // every such program run has ended, then delete.
    bool anyOld = false;
    for (const auto& c : cleanups) anyOld = anyOld || c.count > 0;
    if (!anyOld) return result;
    if (auto ok = waitForDatapathReaders(); !ok) {
        // Keep the old halves rather than risk a reader: they are
        // overwritten by the service's next change.
        return result ? ok : result;
    }
    for (const auto& c : cleanups)
        if (auto ok = deleteSlots(c.serviceId, c.half, 0, c.count); !ok && result) result = ok;
    return result;
}

Result<std::vector<BackendId>> BpfServiceTable::backendSet(std::uint32_t serviceId) const {
    std::vector<BackendId> out;
    auto found = slots_.find(serviceId);
    std::uint8_t half = 0;
    std::uint32_t count = 0;
    if (found != slots_.end()) {
        half = found->second.activeHalf;
        count = found->second.count;
    } else if (!learned_) {
        // Not learned yet: learn once (a walk of the frontends), not once
        // per service asked about.
        if (auto ok = learn(); !ok) return ok.error();
        if (auto again = slots_.find(serviceId); again != slots_.end()) {
            half = again->second.activeHalf;
            count = again->second.count;
        }
    }
    for (std::uint32_t i = 0; i < count; ++i) {
        const auto key = slotKey(serviceId, half, i);
        BackendId id = 0;
        if (::bpf_map_lookup_elem(slotsFd_, &key, &id) != 0)
            return Error::fromErrno(errno, "Failed to read slot " + std::to_string(i) + " of " +
                                               serviceName(serviceId) + " from " NP_MAP_BACKEND_SLOTS);
        out.push_back(id);
    }
    return out;
}

Status BpfServiceTable::eraseBackendSet(std::uint32_t serviceId) {
    // Frontends still pointing at the set switch to an empty one first, so
    // none ever reads a half being deleted.
    if (auto ok = replaceBackendSet(serviceId, {}); !ok) return ok;
    // Walk rather than trust the count: a daemon that died mid-flip may
    // have left entries in either half.
    std::vector<np_backend_slot_key> doomed;
    auto walked = walkMap<np_backend_slot_key, BackendId>(
        slotsFd_, NP_MAP_BACKEND_SLOTS, walkLimit(slotsFd_),
        [&](const np_backend_slot_key& key, BackendId) -> Status {
            if (key.service_id == serviceId) doomed.push_back(key);
            return {};
        });
    if (!walked) return walked;
    for (const auto& key : doomed)
        if (::bpf_map_delete_elem(slotsFd_, &key) != 0 && errno != ENOENT)
            return Error::fromErrno(errno, "Failed to delete a backend slot of " + serviceName(serviceId) +
                                               " from " NP_MAP_BACKEND_SLOTS);
    auto found = slots_.find(serviceId);
    if (found != slots_.end()) {
        found->second.count = 0;
        if (found->second.frontends.empty()) slots_.erase(found);
    }
    return {};
}

}  // namespace nodeplane::datapath
