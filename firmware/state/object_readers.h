// One reader per snapshot kind (snapshot.md, "Objects"). Each reads every key
// its kind has from the object's table, applies the Kubernetes defaults,
// adds the object to `out.model` when its identity is valid, and records the
// references and claims the cross-object checks need.
#pragma once

#include "config/table_reader.h"
#include "state/parsed_snapshot.h"

namespace nodeplane::state {

void readNode(config::TableReader& r, ParsedSnapshot& out);
void readNamespace(config::TableReader& r, ParsedSnapshot& out);
void readPod(config::TableReader& r, ParsedSnapshot& out);
void readService(config::TableReader& r, ParsedSnapshot& out);
void readEndpointSlice(config::TableReader& r, ParsedSnapshot& out);
void readNetworkPolicy(config::TableReader& r, ParsedSnapshot& out);

}  // namespace nodeplane::state
