#include "config/table_reader.h"

#include <algorithm>
#include <cctype>

namespace nodeplane::config {
namespace {

// Keys compared the way people mistype them: case, '-' and '_' ignored, so
// that "drainSeconds" finds "drain-seconds" and "targetport" finds "targetPort".
std::string foldKey(std::string_view key) {
    std::string out;
    for (char c : key)
        if (c != '-' && c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Levenshtein distance, small strings only (key names).
std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string_view typeName(toml::node_type type) {
    switch (type) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a floating-point number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::none: break;
    }
    return "nothing";
}

TableReader::TableReader(const ErrorSink& sink, const toml::table& table, std::string object, std::string path)
    : sink_(sink), table_(table), object_(std::move(object)), path_(std::move(path)) {}

TableReader::TableReader(const ErrorSink& sink, const toml::table& table, DocumentTag)
    : TableReader(sink, table, "", "") {
    document_ = true;
}

TableReader TableReader::document(const ErrorSink& sink, const toml::table& table) {
    return TableReader(sink, table, DocumentTag{});
}

TableReader::~TableReader() {
    for (const auto& [key, value] : table_) {
        if (known(key.str())) continue;
        std::string message = value.is_table() ? "unknown table" : "unknown key";
        errorAt(key.source(), pathOf(key.str()), message + suggestionFor(key.str()));
    }
}

std::string keyPath(std::string_view parent, std::string_view key) {
    // Keys that are data (label keys such as "topology.kubernetes.io/zone")
    // are quoted as TOML quotes them, so the path stays unambiguous.
    bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    std::string part = bare ? std::string(key) : "\"" + std::string(key) + "\"";
    return parent.empty() ? part : std::string(parent) + "." + part;
}

std::string TableReader::pathOf(std::string_view key) const { return keyPath(path_, key); }

bool TableReader::known(std::string_view key) const {
    return std::find(asked_.begin(), asked_.end(), key) != asked_.end();
}

std::string TableReader::suggestionFor(std::string_view key) const {
    // The closest known key, if it is close enough to be a typo of it: at
    // most two edits, and fewer than half the key's letters.
    std::string folded = foldKey(key);
    const std::string* best = nullptr;
    std::size_t bestDistance = 3;
    for (const auto& candidate : asked_) {
        std::size_t distance = editDistance(folded, foldKey(candidate));
        if (distance < bestDistance && 2 * distance < folded.size()) {
            best = &candidate;
            bestDistance = distance;
        }
    }
    return best ? "; did you mean '" + *best + "'?" : "";
}

void TableReader::missing(std::string_view key) {
    if (document_) {
        sink_.errors.push_back(InputError{sink_.file, 0, 0, object_, pathOf(key), "required"});
        return;
    }
    errorAt(table_.source(), pathOf(key), "required");
}

const toml::node* TableReader::node(std::string_view key, Need need) {
    if (!known(key)) asked_.emplace_back(key);
    const toml::node* value = table_.get(key);
    if (!value && need == Need::Required) missing(key);
    return value;
}

std::optional<std::string> TableReader::string(std::string_view key, Need need) {
    const toml::node* value = node(key, need);
    if (!value) return std::nullopt;
    if (const auto* text = value->as_string()) return text->get();
    typeError(*value, key, "a string");
    return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, Need need) {
    const toml::node* value = node(key, need);
    if (!value) return std::nullopt;
    if (const auto* number = value->as_integer()) return number->get();
    typeError(*value, key, "an integer");
    return std::nullopt;
}

std::optional<std::int64_t> TableReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                                 Need need) {
    auto number = integer(key, need);
    if (!number) return std::nullopt;
    if (*number < min || *number > max) {
        error(*table_.get(key), key,
              std::to_string(*number) + " is out of range " + std::to_string(min) + "-" + std::to_string(max));
        return std::nullopt;
    }
    return number;
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
    const toml::node* value = node(key, need);
    if (!value) return std::nullopt;
    if (const auto* flag = value->as_boolean()) return flag->get();
    typeError(*value, key, "a boolean");
    return std::nullopt;
}

const toml::table* TableReader::subtable(std::string_view key, Need need) {
    const toml::node* value = node(key, need);
    if (!value) return nullptr;
    if (const auto* table = value->as_table()) return table;
    typeError(*value, key, "a table");
    return nullptr;
}

void TableReader::error(const toml::node& at, std::string_view key, std::string message) {
    errorAt(at.source(), pathOf(key), std::move(message));
}

void TableReader::errorAt(const toml::source_region& at, std::string path, std::string message) {
    sink_.errors.push_back(InputError{sink_.file, static_cast<int>(at.begin.line),
                                      static_cast<int>(at.begin.column), object_, std::move(path),
                                      std::move(message)});
}

void TableReader::tableError(std::string message) { errorAt(table_.source(), path_, std::move(message)); }

void TableReader::typeError(const toml::node& at, std::string_view key, std::string_view expected) {
    error(at, key, "expected " + std::string(expected) + ", got " + std::string(typeName(at.type())));
}

}  // namespace nodeplane::config
