// JSON text into a simdjson DOM, then into objects; a syntax error names its
// byte offset.
#include "k8sjson/element.h"

namespace nodeplane::k8sjson {

namespace {

namespace ondemand = simdjson::ondemand;

// Deeper than any Kubernetes object; bounds the walk's recursion.
constexpr int kMaxDepth = 1024;

// Visits every value so the On Demand iterator stops at the first bad token.
simdjson::error_code visit(ondemand::value value, int depth) {
    if (depth > kMaxDepth) return simdjson::DEPTH_ERROR;
    ondemand::json_type type;
    if (auto e = value.type().get(type)) return e;
    switch (type) {
        case ondemand::json_type::object: {
            ondemand::object object;
            if (auto e = value.get_object().get(object)) return e;
            for (auto member : object) {
                ondemand::field field;
                std::string_view key;
                if (auto e = std::move(member).get(field)) return e;
                if (auto e = field.unescaped_key().get(key)) return e;
                if (auto e = visit(field.value(), depth + 1)) return e;
            }
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::array: {
            ondemand::array array;
            if (auto e = value.get_array().get(array)) return e;
            for (auto item : array) {
                ondemand::value child;
                if (auto e = std::move(item).get(child)) return e;
                if (auto e = visit(child, depth + 1)) return e;
            }
            return simdjson::SUCCESS;
        }
        case ondemand::json_type::number: return value.get_number().error();
        case ondemand::json_type::string: return value.get_string().error();
        case ondemand::json_type::boolean: return value.get_bool().error();
        case ondemand::json_type::null: {
            bool null = false;
            if (auto e = value.is_null().get(null)) return e;
            return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
        }
    }
    return simdjson::SUCCESS;
}

// The DOM parser says what is wrong but not where. Only on that error path,
// the document is walked again with On Demand, which stops at the bad token;
// where it cannot say (an unclosed string, a document cut short), the error
// is at the end of the text.
std::size_t errorOffset(simdjson::padded_string_view text) {
    ondemand::parser parser;
    ondemand::document document;
    if (parser.iterate(text).get(document)) return text.size();
    ondemand::value root;
    if (!document.get_value().get(root)) visit(root, 0);
    const char* where = nullptr;
    if (document.current_location().get(where) || where < text.data()) return text.size();
    return static_cast<std::size_t>(where - text.data());
}

Parsed syntaxError(simdjson::error_code code, simdjson::padded_string_view text, const std::string& source) {
    Parsed parsed;
    parsed.errors.push_back(InputError{source, 0, 0, "", "",
                                       "not valid JSON at byte " + std::to_string(errorOffset(text)) + ": " +
                                           simdjson::error_message(code)});
    return parsed;
}

}  // namespace

Parsed parsePadded(simdjson::padded_string_view text, simdjson::dom::parser& parser, const std::string& source) {
    simdjson::dom::element root;
    if (auto e = parser.parse(text).get(root)) return syntaxError(e, text, source);
    return parseElement(root, source);
}

Parsed parseText(std::string_view text, const std::string& source) {
    // One copy into a padded buffer: simdjson reads up to SIMDJSON_PADDING
    // bytes past the end. Callers holding a large list use parsePadded.
    simdjson::padded_string padded(text);
    simdjson::dom::parser parser;
    return parsePadded(padded, parser, source);
}

}  // namespace nodeplane::k8sjson
