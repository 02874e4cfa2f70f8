// JSON values written as TOML inline values. The snapshot's keys are the
// Kubernetes JSON names, so a NetworkPolicy's spec converts member for member:
// objects become inline tables, arrays arrays, strings basic strings.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace nodeplane::netpol {

// A bare key when TOML allows one, else a quoted key ("kubernetes.io/metadata.name").
std::string tomlKey(std::string_view key);
// A basic string, with quotes, backslashes and control characters escaped.
std::string tomlString(std::string_view text);
// One line. null has no TOML form and floats no place in the snapshot: both
// are errors naming `where`.
Result<std::string> tomlInline(const nlohmann::json& value, const std::string& where);

}  // namespace nodeplane::netpol
