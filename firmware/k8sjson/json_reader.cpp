#include "k8sjson/json_reader.h"

#include <algorithm>
#include <limits>

namespace nodeplane::k8sjson {

namespace {

using simdjson::dom::element_type;

const char* typeName(simdjson::dom::element v) {
    switch (v.type()) {
        case element_type::STRING: return "a string";
        case element_type::BOOL: return "a boolean";
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE: return "a number";
        case element_type::ARRAY: return "a list";
        case element_type::OBJECT: return "an object";
        case element_type::NULL_VALUE: break;
    }
    return "null";
}

std::string childPath(const std::string& parent, std::string_view key) {
    std::string path;
    path.reserve(parent.size() + 1 + key.size());
    if (!parent.empty()) path.append(parent).push_back('.');
    path.append(key);
    return path;
}

}  // namespace

void ErrorSink::add(const std::string& path, std::string message) const {
    // A value of the wrong shape is met once per field read through it
    // ("spec" a string: spec.type, spec.ports, ...); say it once.
    InputError e{source, 0, 0, object, path, std::move(message)};
    bool seen = std::any_of(errors->begin(), errors->end(), [&](const InputError& o) {
        return o.object == e.object && o.key == e.key && o.message == e.message;
    });
    if (!seen) errors->push_back(std::move(e));
}

void JsonValue::error(std::string message) const { sink_->add(path_, std::move(message)); }

JsonValue JsonValue::operator[](std::string_view key) const {
    std::string path = childPath(path_, key);
    if (!present()) return JsonValue(std::nullopt, std::move(path), sink_);
    simdjson::dom::object object;
    if (value_->get(object) != simdjson::SUCCESS) {
        error(std::string("expected an object, got ") + typeName(*value_));
        return JsonValue(std::nullopt, std::move(path), sink_);
    }
    simdjson::dom::element member;
    if (object.at_key(key).get(member) != simdjson::SUCCESS) return JsonValue(std::nullopt, std::move(path), sink_);
    return JsonValue(member, std::move(path), sink_);
}

std::vector<JsonValue> JsonValue::items() const {
    std::vector<JsonValue> out;
    if (!present()) return out;
    simdjson::dom::array array;
    if (value_->get(array) != simdjson::SUCCESS) {
        error(std::string("expected a list, got ") + typeName(*value_));
        return out;
    }
    out.reserve(array.size());
    std::size_t i = 0;
    for (simdjson::dom::element item : array)
        out.emplace_back(item, path_ + "[" + std::to_string(i++) + "]", sink_);
    return out;
}

std::optional<std::string> JsonValue::string(bool required) const {
    if (!present()) {
        if (required) error("is required");
        return std::nullopt;
    }
    std::string_view text;
    if (value_->get(text) != simdjson::SUCCESS) {
        error(std::string("expected a string, got ") + typeName(*value_));
        return std::nullopt;
    }
    return std::string(text);
}

std::optional<bool> JsonValue::boolean() const {
    if (!present()) return std::nullopt;
    bool value = false;
    if (value_->get(value) != simdjson::SUCCESS) {
        error(std::string("expected a boolean, got ") + typeName(*value_));
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> JsonValue::integer(bool required) const {
    if (!present()) {
        if (required) error("is required");
        return std::nullopt;
    }
    std::int64_t value = 0;
    if (value_->get(value) == simdjson::SUCCESS) return value;
    if (value_->is_uint64()) return std::numeric_limits<std::int64_t>::max();
    error(std::string("expected an integer, got ") + typeName(*value_));
    return std::nullopt;
}

std::map<std::string, std::string> JsonValue::stringMap() const {
    std::map<std::string, std::string> out;
    if (!present()) return out;
    simdjson::dom::object object;
    if (value_->get(object) != simdjson::SUCCESS) {
        error(std::string("expected an object of strings, got ") + typeName(*value_));
        return out;
    }
    for (simdjson::dom::key_value_pair member : object) {
        JsonValue value(member.value, childPath(path_, member.key), sink_);
        // The last of duplicate keys wins, as encoding/json decodes them.
        if (auto s = value.string()) out.insert_or_assign(std::string(member.key), std::move(*s));
    }
    return out;
}

std::vector<std::string> JsonValue::strings() const {
    std::vector<std::string> out;
    for (const auto& item : items())
        if (auto s = item.string()) out.push_back(std::move(*s));
    return out;
}

}  // namespace nodeplane::k8sjson
