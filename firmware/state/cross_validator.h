// The checks that need every object of the snapshot at once: the `node`
// setting, duplicates (objects, pod IPs, interfaces, cluster IPs, node
// ports) and references between objects.
#pragma once

#include <string>

#include "common/input_error.h"
#include "state/parsed_snapshot.h"
#include "state/validation_index.h"

namespace nodeplane::state {

// Sets parsed.model.node. `input` is the file or directory the snapshot came
// from, for errors about the snapshot as a whole. With an `index` of exactly
// `parsed`'s claims and references that finds nothing wrong, the passes over
// them are skipped: they would report nothing.
void validateSnapshot(ParsedSnapshot& parsed, const std::string& input, InputErrors& errors,
                      const ValidationIndex* index = nullptr);

}  // namespace nodeplane::state
