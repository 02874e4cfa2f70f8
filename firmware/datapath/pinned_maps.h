// Pinned maps from an earlier daemon that the new object cannot adopt.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

struct bpf_object;

namespace nodeplane::datapath {

// Runs between open and load. libbpf adopts a pinned map only when type, key
// and value size, max_entries and flags all match, and fails the whole load
// otherwise. Layout changes get new names (_v2), so a mismatch here means a
// changed size setting (max-local-endpoints, max-interfaces): the stale pin is
// removed so a fresh map is created, and its name is returned so the caller
// can say that its contents start over.
Result<std::vector<std::string>> unpinIncompatibleMaps(bpf_object* object);

}  // namespace nodeplane::datapath
