// Looking up one of the datapath's named counters in a test, with a failure
// that names what was missing.
#pragma once

#include <string_view>

#include "datapath/stats.h"

namespace nodeplane::test {

// The outcome counter `name` ("forwarded_local", ...) or the drop counter
// `name` ("spoofed_source", ...). Throws std::runtime_error when the name is
// unknown or the map cannot be read.
datapath::NamedCounter statCounter(const datapath::DatapathStats& stats, std::string_view name);
datapath::NamedCounter dropCounter(const datapath::DatapathStats& stats, std::string_view name);

}  // namespace nodeplane::test
