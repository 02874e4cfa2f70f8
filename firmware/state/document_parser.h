// One snapshot document (one file): its top-level keys and each object of
// each kind, read strictly. Checks between objects come later, on the merge.
#pragma once

#include <toml++/toml.h>

#include "config/table_reader.h"
#include "state/parsed_snapshot.h"

namespace nodeplane::state {

// Errors go to `sink`; what is valid is appended to `out`.
void parseSnapshotDocument(const toml::table& document, const config::ErrorSink& sink, ParsedSnapshot& out);

}  // namespace nodeplane::state
