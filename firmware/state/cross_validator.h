// The checks that need every object of the snapshot at once: the `node`
// setting, duplicates (objects, pod IPs, interfaces, cluster IPs, node
// ports) and references between objects.
#pragma once

#include <string>

#include "common/input_error.h"
#include "state/parsed_snapshot.h"

namespace nodeplane::state {

// Sets parsed.model.node. `input` is the file or directory the snapshot came
// from, for errors about the snapshot as a whole.
void validateSnapshot(ParsedSnapshot& parsed, const std::string& input, InputErrors& errors);

}  // namespace nodeplane::state
