// A read-only view of one JSON value (a simdjson DOM element) that knows its
// path in the document ("spec.ports[0].targetPort"), so every type or value
// error can name it. Absent and null read alike, as the Kubernetes API treats
// them. Internal to k8sjson: simdjson.h stays out of the public header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "common/input_error.h"

namespace nodeplane::k8sjson {

// Where the errors of one object go, and what they name.
struct ErrorSink {
    std::string source;  // the document
    std::string object;  // "Service ns/name"; may be empty while unknown
    InputErrors* errors = nullptr;

    void add(const std::string& path, std::string message) const;
};

class JsonValue {
public:
    // `value` empty: the member is absent.
    JsonValue(std::optional<simdjson::dom::element> value, std::string path, const ErrorSink* sink)
        : value_(value), path_(std::move(path)), sink_(sink) {}

    bool present() const { return value_.has_value() && !value_->is_null(); }
    const std::string& path() const { return path_; }
    bool isString() const { return present() && value_->is_string(); }
    bool isInteger() const { return present() && (value_->is_int64() || value_->is_uint64()); }

    // A member; absent when missing. An error when this is present but not an object.
    JsonValue operator[](std::string_view key) const;
    // The elements of an array; none when absent. An error when not an array.
    std::vector<JsonValue> items() const;

    // Each reads the value when present and of the right type; an error
    // otherwise when present, or when absent and `required`.
    std::optional<std::string> string(bool required = false) const;
    std::optional<bool> boolean() const;
    // An integer beyond int64 reads as INT64_MAX, so range checks name it.
    std::optional<std::int64_t> integer(bool required = false) const;
    // An object of strings (labels, annotations).
    std::map<std::string, std::string> stringMap() const;
    std::vector<std::string> strings() const;

    void error(std::string message) const;

private:
    std::optional<simdjson::dom::element> value_;
    std::string path_;
    const ErrorSink* sink_;
};

}  // namespace nodeplane::k8sjson
