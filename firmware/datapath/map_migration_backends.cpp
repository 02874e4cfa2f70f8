#include "datapath/map_migration_backends.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "datapath/abi.h"
#include "datapath/map_migration_copy.h"

namespace nodeplane::datapath {

Result<std::uint64_t> reindexBackends(int fromFd, int toFd, int spillFd) {
    auto from = mapShape(fromFd, NP_MAP_BACKENDS);
    if (!from) return from.error();
    auto to = mapShape(toFd, NP_MAP_BACKENDS);
    if (!to) return to.error();
    if (from->valueSize != sizeof(np_backend) || to->valueSize != sizeof(np_backend) || to->maxEntries == 0)
        return Error::logical("Cannot re-index " NP_MAP_BACKENDS ": its value is not a struct np_backend");
    std::uint64_t moved = 0;
    auto ok = forEachEntryChunk(fromFd, *from, NP_MAP_BACKENDS, [&](const EntryChunk& chunk) -> Status {
        for (std::uint32_t i = 0; i < chunk.count; ++i) {
            np_backend backend{};
            std::memcpy(&backend, chunk.values.data() + i * sizeof(np_backend), sizeof(backend));
            if (backend.id == 0) continue;  // a free entry
            const std::uint32_t index = backend.id % to->maxEntries;
            np_backend there{};
            if (::bpf_map_lookup_elem(toFd, &index, &there) != 0)
                return Error::fromErrno(errno, "Failed to read the new " NP_MAP_BACKENDS);
            if (there.id == 0) {
                if (::bpf_map_update_elem(toFd, &index, &backend, BPF_ANY) != 0)
                    return Error::fromErrno(errno, "Failed to write the new " NP_MAP_BACKENDS);
            } else if (::bpf_map_update_elem(spillFd, &backend.id, &backend, BPF_ANY) != 0) {
                return Error::fromErrno(errno, "Failed to spill backend " + std::to_string(backend.id) +
                                                   " into " NP_MAP_BACKEND_SPILL);
            }
            ++moved;
        }
        return {};
    });
    if (!ok) return ok.error();
    return moved;
}

Result<std::uint64_t> backendsToSpill(int arrayFd, int spillFd, std::uint32_t newEntries) {
    if (newEntries == 0) return Error::logical("A backend array needs at least one entry");
    auto array = mapShape(arrayFd, NP_MAP_BACKENDS);
    if (!array) return array.error();
    auto spill = mapShape(spillFd, NP_MAP_BACKEND_SPILL);
    if (!spill) return spill.error();
    auto spilled = countEntries(spillFd, *spill, NP_MAP_BACKEND_SPILL);
    if (!spilled) return spilled.error();
    std::uint64_t colliding = 0;
    std::set<std::uint32_t> taken;
    auto ok = forEachEntryChunk(arrayFd, *array, NP_MAP_BACKENDS, [&](const EntryChunk& chunk) -> Status {
        for (std::uint32_t i = 0; i < chunk.count; ++i) {
            np_backend backend{};
            std::memcpy(&backend, chunk.values.data() + i * sizeof(np_backend), sizeof(backend));
            if (backend.id != 0 && !taken.insert(backend.id % newEntries).second) ++colliding;
        }
        return {};
    });
    if (!ok) return ok.error();
    return *spilled + colliding;
}

}  // namespace nodeplane::datapath
