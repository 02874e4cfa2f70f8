// k8sjson on a document the caller already parsed with simdjson: a watch
// event's `object`, or a list read into a padded buffer the caller owns so
// that a large list (50,000 pods) is parsed in place, with a parser whose
// buffers are reused from one list to the next. Includes simdjson.h, which
// is large: include this only where simdjson is used.
#pragma once

#include <string>

#include <simdjson.h>

#include "k8sjson/k8sjson.h"

namespace nodeplane::k8sjson {

// As parseText, for an element already parsed. Paths in errors start at the
// element ("spec.ports[0].port").
Parsed parseElement(simdjson::dom::element element, const std::string& source);

// One object whose kind is known from where it came (a watch on pods):
// kind and apiVersion may be absent; when present they must match `kind`.
Parsed parseElementAs(simdjson::dom::element element, Kind kind, const std::string& source);

// As parseText, on text followed by at least SIMDJSON_PADDING readable bytes,
// which is parsed without a copy. `parser` keeps its buffers between calls.
// The objects returned own their data; the parser may be reused at once.
Parsed parsePadded(simdjson::padded_string_view text, simdjson::dom::parser& parser, const std::string& source);

}  // namespace nodeplane::k8sjson
