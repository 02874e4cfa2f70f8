// Typed reads of one JSON field, failing with an error that says where the
// field is ("netpol-public.json: case np-017 step 1: probes[0].port: missing").
// nlohmann's throwing accessors are never used on case data, so a bad case
// file is a named error, not an exception from deep inside the library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "case_model.h"
#include "common/result.h"

namespace nodeplane::netpol {

Error fieldError(const std::string& where, std::string_view field, std::string_view what);

// The member `key` of `object`; an error when `object` is no object or lacks it.
Result<const nlohmann::json*> member(const nlohmann::json& object, const char* key, const std::string& where);
Result<std::string> stringField(const nlohmann::json& object, const char* key, const std::string& where);
Result<int> intField(const nlohmann::json& object, const char* key, const std::string& where);
Result<std::uint16_t> portField(const nlohmann::json& object, const char* key, const std::string& where);
// A map of string to string ("labels": {"pod": "a"}).
Result<Labels> labelsField(const nlohmann::json& object, const char* key, const std::string& where);
// The array `key`; its elements are read by the caller.
Result<const nlohmann::json*> arrayField(const nlohmann::json& object, const char* key, const std::string& where);

}  // namespace nodeplane::netpol
