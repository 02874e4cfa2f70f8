#include "json_fields.h"

#include <limits>

namespace nodeplane::netpol {

using nlohmann::json;

Error fieldError(const std::string& where, std::string_view field, std::string_view what) {
    return Error::logical(where + ": " + std::string(field) + ": " + std::string(what));
}

Result<const json*> member(const json& object, const char* key, const std::string& where) {
    if (!object.is_object()) return Error::logical(where + ": expected an object, found " + object.type_name());
    auto it = object.find(key);
    if (it == object.end()) return fieldError(where, key, "missing");
    return &*it;
}

Result<std::string> stringField(const json& object, const char* key, const std::string& where) {
    auto value = member(object, key, where);
    if (!value) return value.error();
    if (!(*value)->is_string()) return fieldError(where, key, std::string("expected a string, found ") + (*value)->type_name());
    return (*value)->get<std::string>();
}

Result<int> intField(const json& object, const char* key, const std::string& where) {
    auto value = member(object, key, where);
    if (!value) return value.error();
    const json& v = **value;
    if (!v.is_number_integer()) return fieldError(where, key, std::string("expected an integer, found ") + v.type_name());
    auto n = v.get<long long>();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        return fieldError(where, key, std::to_string(n) + " is out of range");
    return static_cast<int>(n);
}

Result<std::uint16_t> portField(const json& object, const char* key, const std::string& where) {
    auto n = intField(object, key, where);
    if (!n) return n.error();
    if (*n < 1 || *n > 65535) return fieldError(where, key, std::to_string(*n) + " is out of range 1-65535");
    return static_cast<std::uint16_t>(*n);
}

Result<Labels> labelsField(const json& object, const char* key, const std::string& where) {
    auto value = member(object, key, where);
    if (!value) return value.error();
    if (!(*value)->is_object()) return fieldError(where, key, std::string("expected an object, found ") + (*value)->type_name());
    Labels labels;
    for (const auto& [k, v] : (*value)->items()) {
        if (!v.is_string()) return fieldError(where, std::string(key) + "." + k, "expected a string");
        labels[k] = v.get<std::string>();
    }
    return labels;
}

Result<const json*> arrayField(const json& object, const char* key, const std::string& where) {
    auto value = member(object, key, where);
    if (!value) return value.error();
    if (!(*value)->is_array()) return fieldError(where, key, std::string("expected an array, found ") + (*value)->type_name());
    return *value;
}

}  // namespace nodeplane::netpol
