#include "toml_value.h"

#include <cstdio>

namespace nodeplane::netpol {

using nlohmann::json;

std::string tomlKey(std::string_view key) {
    bool bare = !key.empty();
    for (char c : key)
        bare = bare && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
    return bare ? std::string(key) : tomlString(key);
}

std::string tomlString(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04X", u);
            out += escaped;
        } else {
            out += c;  // UTF-8 passes as is: TOML files are UTF-8
        }
    }
    return out + "\"";
}

Result<std::string> tomlInline(const json& value, const std::string& where) {
    switch (value.type()) {
    case json::value_t::string:
        return tomlString(value.get<std::string>());
    case json::value_t::boolean:
        return std::string(value.get<bool>() ? "true" : "false");
    case json::value_t::number_integer:
        return std::to_string(value.get<long long>());
    case json::value_t::number_unsigned:
        return std::to_string(value.get<unsigned long long>());
    case json::value_t::array: {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) {
            auto item = tomlInline(value[i], where + "[" + std::to_string(i) + "]");
            if (!item) return item.error();
            out += (i ? ", " : "") + *item;
        }
        return out + "]";
    }
    case json::value_t::object: {
        if (value.empty()) return std::string("{}");
        std::string out = "{ ";
        bool first = true;
        for (const auto& [key, member] : value.items()) {
            auto item = tomlInline(member, where + "." + key);
            if (!item) return item.error();
            out += (first ? "" : ", ") + tomlKey(key) + " = " + *item;
            first = false;
        }
        return out + " }";
    }
    default:
        return Error::logical(where + ": " + value.type_name() + " has no place in a snapshot");
    }
}

}  // namespace nodeplane::netpol
