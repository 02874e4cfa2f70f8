// The model written back as a format-1 snapshot (shared/spec/snapshot.md):
// what the API-server source saves as `[kubernetes] last-known`, and what
// `nodeplanectl snapshot import` prints. The snapshot parser reads the text
// back into an equal model (source locations aside); the parser's defaults
// fill what the writer leaves out, so a model that did not come from the
// parser may read back with those defaults applied (an endpoint's targetRef
// without a namespace names the slice's).
#pragma once

#include <string>

#include "common/result.h"
#include "state/model.h"

namespace nodeplane::state {

// A whole format-1 document: `format`, `node`, then each kind in model
// order. Keys are sorted and optional keys holding their default are left
// out, so the same model always gives the same bytes.
std::string renderSnapshot(const Model& model);

// Replaces `path` with renderSnapshot(model): a temporary file beside it
// (mode 0600: it names pods), fsync, rename over `path`, fsync of the
// directory. On any failure `path` keeps its old content, the temporary
// file is removed, and the error names the path and the step that failed.
Status writeSnapshotAtomically(const std::string& path, const Model& model);

// The same for a document already rendered.
Status writeTextAtomically(const std::string& path, const std::string& text);

}  // namespace nodeplane::state
