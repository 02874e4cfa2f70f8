// One snapshot document (one file): its top-level keys and each object of
// each kind, read strictly. Checks between objects come later, on the merge.
#pragma once

#include <toml++/toml.h>

#include "config/table_reader.h"
#include "state/parsed_snapshot.h"

namespace nodeplane::state {

// Errors go to `sink`; what is valid is appended to `out`.
void parseSnapshotDocument(const toml::table& document, const config::ErrorSink& sink, ParsedSnapshot& out);

// One document's text (`fileName` names it in errors) into `out`; a syntax
// error marks `out` incomplete.
void parseSnapshotText(const std::string& text, const std::string& fileName, ParsedSnapshot& out,
                       InputErrors& errors);

}  // namespace nodeplane::state
