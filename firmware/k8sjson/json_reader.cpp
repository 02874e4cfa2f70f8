#include "k8sjson/json_reader.h"

#include <algorithm>

namespace nodeplane::k8sjson {

namespace {

const char* typeName(const nlohmann::json& v) {
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "an object";
    return "null";
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
    std::string childPath = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    if (!present()) return JsonValue(nullptr, childPath, sink_);
    if (!value_->is_object()) {
        error(std::string("expected an object, got ") + typeName(*value_));
        return JsonValue(nullptr, childPath, sink_);
    }
    auto it = value_->find(key);
    return JsonValue(it == value_->end() ? nullptr : &*it, childPath, sink_);
}

std::vector<JsonValue> JsonValue::items() const {
    std::vector<JsonValue> out;
    if (!present()) return out;
    if (!value_->is_array()) {
        error(std::string("expected a list, got ") + typeName(*value_));
        return out;
    }
    for (std::size_t i = 0; i < value_->size(); ++i)
        out.emplace_back(&(*value_)[i], path_ + "[" + std::to_string(i) + "]", sink_);
    return out;
}

std::optional<std::string> JsonValue::string(bool required) const {
    if (!present()) {
        if (required) error("is required");
        return std::nullopt;
    }
    if (!value_->is_string()) {
        error(std::string("expected a string, got ") + typeName(*value_));
        return std::nullopt;
    }
    return value_->get<std::string>();
}

std::optional<bool> JsonValue::boolean() const {
    if (!present()) return std::nullopt;
    if (!value_->is_boolean()) {
        error(std::string("expected a boolean, got ") + typeName(*value_));
        return std::nullopt;
    }
    return value_->get<bool>();
}

std::optional<std::int64_t> JsonValue::integer(bool required) const {
    if (!present()) {
        if (required) error("is required");
        return std::nullopt;
    }
    if (!value_->is_number_integer()) {
        error(std::string("expected an integer, got ") + typeName(*value_));
        return std::nullopt;
    }
    return value_->get<std::int64_t>();
}

std::map<std::string, std::string> JsonValue::stringMap() const {
    std::map<std::string, std::string> out;
    if (!present()) return out;
    if (!value_->is_object()) {
        error(std::string("expected an object of strings, got ") + typeName(*value_));
        return out;
    }
    for (const auto& [key, value] : value_->items()) {
        if (auto s = (*this)[key].string()) out.emplace(key, *s);
    }
    return out;
}

std::vector<std::string> JsonValue::strings() const {
    std::vector<std::string> out;
    for (const auto& item : items())
        if (auto s = item.string()) out.push_back(*s);
    return out;
}

}  // namespace nodeplane::k8sjson
