// The resize of np_backends_v2, which cannot be a plain copy: the datapath
// finds backend `id` at index id % max_entries (lib/lb.h, the rodata
// np_backends_entries), so another size moves every backend.
#pragma once

#include <cstdint>

#include "common/result.h"

namespace nodeplane::datapath {

// Puts every backend of the array `fromFd` at its index in the array `toFd`
// (id % toFd's max_entries), or into the spill hash `spillFd` (backend id ->
// np_backend) when another backend took that index first: the order
// BpfBackendTable keeps and the datapath reads. Returns the backends moved.
Result<std::uint64_t> reindexBackends(int fromFd, int toFd, int spillFd);

// How many backends the spill hash would hold after reindexBackends() into
// an array of `newEntries`: those spilled now (`spillFd`) plus the array's
// backends that collide at their new index. More than the new spill map's
// size does not fit.
Result<std::uint64_t> backendsToSpill(int arrayFd, int spillFd, std::uint32_t newEntries);

}  // namespace nodeplane::datapath
