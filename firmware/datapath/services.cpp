#include "datapath/services.h"

#include <bpf/bpf.h>

#include <algorithm>
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

std::string serviceName(std::uint32_t serviceId) { return "service " + std::to_string(serviceId); }

// Slots written per bpf() call: one batch update writes many array entries.
constexpr std::uint32_t kSlotBatch = 4096;

}  // namespace

Status BpfServiceTable::learn() const {
    if (learned_) return {};
    std::map<std::uint32_t, SetState> found;
    std::map<FrontendKey, std::uint32_t> serviceOf;
    auto walked = walkMap<np_service_key, np_service_value>(
        servicesFd_, NP_MAP_SERVICES, walkLimit(servicesFd_),
        [&](const np_service_key& rawKey, const np_service_value& value) -> Status {
            auto key = decodeFrontendKey(rawKey);
            if (!key) return key.error();
            auto& state = found[value.service_id];
            const Range range{value.slot_base, value.backend_count};
            // Frontends of one service agree unless a daemon died inside a
            // flip; the first one seen wins, the others' ranges stay taken
            // until the next flip rewrites all.
            if (state.frontends.empty()) {
                state.activeHalf = value.active_half;
                state.range = range;
            } else if (range.first != state.range.first || range.count != state.range.count) {
                state.stray.push_back(range);
            }
            state.frontends.insert(*key);
            serviceOf[*key] = value.service_id;
            return {};
        });
    if (!walked) return walked;
    SlotRanges ranges(slots_);
    for (auto& [serviceId, state] : found) {
        // A range outside the array or overlapping another is not ours to
        // trust: the service reads as empty until its next flip.
        if (!ranges.reserve(state.range.first, state.range.count)) state.range = {};
        std::erase_if(state.stray, [&](const Range& r) { return !ranges.reserve(r.first, r.count); });
    }
    std::vector<IpAddress> addresses;
    for (const auto& [key, serviceId] : serviceOf) addresses.push_back(key.address);
    if (auto ok = filter_.adopt(addresses); !ok) return ok;
    ranges_ = std::move(ranges);
    sets_ = std::move(found);
    serviceOf_ = std::move(serviceOf);
    learned_ = true;
    return {};
}

void BpfServiceTable::index(const FrontendKey& key, std::optional<std::uint32_t> serviceId) {
    auto previous = serviceOf_.find(key);
    if (previous != serviceOf_.end()) {
        if (serviceId && previous->second == *serviceId) return;
        auto old = sets_.find(previous->second);
        if (old != sets_.end()) old->second.frontends.erase(key);
        serviceOf_.erase(previous);
    }
    if (!serviceId) return;
    sets_[*serviceId].frontends.insert(key);
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
    auto& state = sets_[value.serviceId];
    const np_service_key rawKey = encodeFrontendKey(key);
    const np_service_value rawValue =
        encodeFrontendValue(value, state.range.count, state.activeHalf, state.range.first);
    // A new frontend's address is in the filter before packets can need it.
    const bool known = serviceOf_.contains(key);
    if (!known)
        if (auto ok = filter_.add(key.address); !ok) return ok;
    if (::bpf_map_update_elem(servicesFd_, &rawKey, &rawValue, BPF_ANY) != 0) {
        // E2BIG: full; [datapath] max-services is too small.
        auto failed = Error::fromErrno(errno, "Failed to write frontend " + describe(key) + " to " NP_MAP_SERVICES);
        if (!known) (void)filter_.remove(key.address);
        return failed;
    }
    // A frontend moved to another service id leaves its old one.
    index(key, value.serviceId);
    return {};
}

Status BpfServiceTable::erase(const FrontendKey& key) {
    if (auto ok = learn(); !ok) return ok;
    const np_service_key rawKey = encodeFrontendKey(key);
    if (::bpf_map_delete_elem(servicesFd_, &rawKey) != 0 && errno != ENOENT)
        return Error::fromErrno(errno, "Failed to delete frontend " + describe(key) + " from " NP_MAP_SERVICES);
    const bool known = serviceOf_.contains(key);
    index(key, std::nullopt);
    // Out of the filter only once the frontend is gone.
    if (known) return filter_.remove(key.address);
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

Status BpfServiceTable::writeSlots(std::uint32_t serviceId, std::uint32_t first, const std::vector<BackendId>& backends) {
    std::vector<std::uint32_t> keys;
    const auto total = static_cast<std::uint32_t>(backends.size());
    for (std::uint32_t done = 0; done < total;) {
        std::uint32_t n = std::min(kSlotBatch, total - done);
        keys.resize(n);
        for (std::uint32_t i = 0; i < n; ++i) keys[i] = first + done + i;
        if (::bpf_map_update_batch(slotsFd_, keys.data(), backends.data() + done, &n, nullptr) != 0)
            return Error::fromErrno(errno, "Failed to write the backend slots of " + serviceName(serviceId) +
                                               " to " NP_MAP_BACKEND_SLOTS);
        done += n;
    }
    return {};
}

Status BpfServiceTable::writeAndFlip(std::uint32_t serviceId, const std::vector<BackendId>& backends, Range fresh,
                                     std::vector<Range>& retired) {
    auto& state = sets_[serviceId];
    // 1. The new range: no frontend points at it, so partial is invisible.
    if (auto ok = writeSlots(serviceId, fresh.first, backends); !ok) {
        ranges_.release(fresh.first, fresh.count);
        return ok;
    }
    // 2. The flip: each frontend's range, count and half change in one
    // update. A hash map update swaps in a whole new element, so a reader
    // sees the old range or the new one, never a mix.
    const auto newHalf = static_cast<std::uint8_t>(1 - state.activeHalf);
    const Range old = state.range;
    state.range = fresh;
    state.activeHalf = newHalf;
    for (const auto& key : state.frontends) {
        const np_service_key rawKey = encodeFrontendKey(key);
        np_service_value value{};
        Status failed;
        if (::bpf_map_lookup_elem(servicesFd_, &rawKey, &value) != 0) {
            if (errno == ENOENT) continue;
            failed = Error::fromErrno(errno, "Failed to read frontend " + describe(key) + " from " NP_MAP_SERVICES);
        } else {
            value.backend_count = fresh.count;
            value.slot_base = fresh.first;
            value.active_half = newHalf;
            if (::bpf_map_update_elem(servicesFd_, &rawKey, &value, BPF_EXIST) != 0 && errno != ENOENT)
                failed = Error::fromErrno(errno, "Failed to switch frontend " + describe(key) + " to its new backends");
        }
        if (!failed) {
            // Frontends flipped so far read the new range, the rest the old
            // one: both are whole, and both stay taken (the old one as a
            // stray, freed by the service's next flip).
            state.stray.push_back(old);
            return failed;
        }
    }
    retired.push_back(old);
    retired.insert(retired.end(), state.stray.begin(), state.stray.end());
    state.stray.clear();
    return {};
}

Status BpfServiceTable::retire(std::vector<Range>& retired) {
    retired.insert(retired.end(), unretired_.begin(), unretired_.end());
    unretired_.clear();
    std::erase_if(retired, [](const Range& r) { return r.count == 0; });
    if (retired.empty()) return {};
    // 3. A packet that read its frontend just before the flip may still be
    // about to read a slot of the old range: wait until every such program
    // run has ended before the range can take another set.
    if (auto ok = waitForDatapathReaders(); !ok) {
        // Keep the old ranges taken rather than risk a reader.
        unretired_ = std::move(retired);
        retired.clear();
        return ok;
    }
    for (const auto& r : retired) ranges_.release(r.first, r.count);
    retired.clear();
    return {};
}

Status BpfServiceTable::replaceBackendSets(const std::map<std::uint32_t, std::vector<BackendId>>& sets) {
    for (const auto& [serviceId, backends] : sets)
        if (auto ok = checkSet(serviceId, backends); !ok) return ok;
    if (auto ok = learn(); !ok) return ok;

    std::vector<Range> retired;
    Status result;
    for (const auto& [serviceId, backends] : sets) {
        const auto count = static_cast<std::uint32_t>(backends.size());
        Range fresh;
        if (count > 0) {
            auto first = ranges_.allocate(count);
            if (!first && !retired.empty()) {
                // Old ranges are freed after one grace period for the whole
                // batch; the array ran short before that, so take it now.
                if (auto ok = retire(retired); !ok) return ok;
                first = ranges_.allocate(count);
            }
            if (!first) {
                result = Error::fromErrno(E2BIG, "Failed to find " + std::to_string(count) +
                                                     " free slots in " NP_MAP_BACKEND_SLOTS " for the backends of " +
                                                     serviceName(serviceId) +
                                                     " ([datapath] max-backend-entries is too small)");
                break;
            }
            fresh = {*first, count};
        }
        result = writeAndFlip(serviceId, backends, fresh, retired);
        if (!result) break;
    }
    if (auto ok = retire(retired); !ok && result) return ok;
    return result;
}

Result<std::vector<BackendId>> BpfServiceTable::backendSet(std::uint32_t serviceId) const {
    if (auto ok = learn(); !ok) return ok.error();
    std::vector<BackendId> out;
    auto found = sets_.find(serviceId);
    if (found == sets_.end()) return out;
    const Range range = found->second.range;
    out.reserve(range.count);
    for (std::uint32_t i = 0; i < range.count; ++i) {
        const std::uint32_t slot = range.first + i;
        BackendId id = 0;
        if (::bpf_map_lookup_elem(slotsFd_, &slot, &id) != 0)
            return Error::fromErrno(errno, "Failed to read slot " + std::to_string(i) + " of " +
                                               serviceName(serviceId) + " from " NP_MAP_BACKEND_SLOTS);
        out.push_back(id);
    }
    return out;
}

Status BpfServiceTable::eraseBackendSet(std::uint32_t serviceId) {
    // Frontends still pointing at the set switch to an empty one first, so
    // none ever reads a range being reused; the switch frees the range.
    if (auto ok = replaceBackendSet(serviceId, {}); !ok) return ok;
    auto found = sets_.find(serviceId);
    if (found != sets_.end() && found->second.frontends.empty()) sets_.erase(found);
    return {};
}

}  // namespace nodeplane::datapath
