// `nodeplanectl snapshot import`'s conversion, apart from the command so
// tests drive it directly: kubectl's JSON (each input one object or one
// List) into a format-1 snapshot, refused whole on any error, as the daemon
// would refuse the snapshot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/input_error.h"
#include "state/model.h"

namespace nodeplane::ctl {

struct ImportInput {
    std::string source;  // names the input in errors: a file name, or "<stdin>"
    std::string text;
};

struct ImportResult {
    bool ok() const { return errors.empty(); }
    std::string snapshot;  // the format-1 document; empty unless ok()
    state::Model model;    // what the daemon reads from `snapshot`
    InputErrors errors;
};

// `node` is the snapshot's `node`; without it, the inputs must hold exactly
// one Node, which is taken. The inputs' objects are merged in input order.
// Errors from the JSON name the input, object and JSON path; errors from the
// daemon's own checks (run on the rendered snapshot: references, duplicates,
// the rules of docs/snapshot.md) are the daemon's messages, naming the input
// the object came from, the object and its snapshot key.
ImportResult importSnapshot(const std::vector<ImportInput>& inputs, const std::optional<std::string>& node);

}  // namespace nodeplane::ctl
