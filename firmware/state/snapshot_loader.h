// Loading the state snapshot (snapshot.md, format 1): a file, or a directory
// whose *.toml files are merged in name order. Validation is strict and
// whole: any error rejects the snapshot, and every error is reported, each
// naming file, line, column, object ("Service shop/web") and key
// ("ports[0].targetPort").
#pragma once

#include <string>
#include <vector>

#include "common/input_error.h"
#include "state/model.h"

namespace nodeplane::state {

struct SnapshotLoadResult {
    bool ok() const { return errors.empty(); }
    Model model;         // empty unless ok()
    InputErrors errors;  // all of them, in file order (files in merge order, then line, column)
    std::vector<std::string> files;  // the files read, in merge order
};

// A file, or a directory: its *.toml files (not hidden ones) in name order,
// merged. A missing path or a directory without *.toml files is an error.
SnapshotLoadResult loadSnapshot(const std::string& path);

// One document's text, validated whole as a snapshot; `fileName` names it in errors.
SnapshotLoadResult parseSnapshotText(const std::string& text, const std::string& fileName);

}  // namespace nodeplane::state
