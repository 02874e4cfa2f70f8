// A strict, typed view of one TOML table of operator input. Every lookup
// marks its key as known; a value of the wrong type is reported, never
// converted; and when the reader goes out of scope each key nobody asked for
// is reported as unknown, so a typo cannot be silently ignored. Errors carry
// the file, the position, the object being read and the key path
// ("ports[0].targetPort"), and all of them are collected, not just the first.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/input_error.h"
#include "common/result.h"

namespace nodeplane::config {

// Where the errors of one document go.
struct ErrorSink {
    std::string file;
    InputErrors& errors;
};

enum class Need { Optional, Required };

namespace detail {
template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
    using type = T;
};
}  // namespace detail

// The T of the Result<T> a converter (std::string_view -> Result<T>) returns.
template <typename Convert>
using ConvertedType = typename detail::ResultValue<std::invoke_result_t<Convert&, std::string_view>>::type;

// A value read from a list, with where it came from, for checks made later.
template <typename T>
struct Item {
    T value;
    const toml::node* node;
    std::string path;  // "podIPs[1]"
};

// A converter for string values that stay strings: the ones `check`
// (std::string_view -> Status) accepts.
template <typename Check>
auto checkedString(Check check) {
    return [check](std::string_view text) -> Result<std::string> {
        Status status = check(text);
        if (!status.ok()) return status.error();
        return std::string(text);
    };
}

// "parent.key", with `key` quoted when it is not a bare TOML key:
// labels."topology.kubernetes.io/zone".
std::string keyPath(std::string_view parent, std::string_view key);

// "a string", "an integer", ... for "expected X, got Y".
std::string_view typeName(toml::node_type type);

class TableReader {
public:
    // `object` names what is being read ("Service shop/web", "[health]"), or is
    // empty for top-level keys; `path` is the key path of this table inside it.
    TableReader(const ErrorSink& sink, const toml::table& table, std::string object, std::string path);
    // The reader of a whole document: a required key missing there is an
    // error about the file, not about a position in it.
    static TableReader document(const ErrorSink& sink, const toml::table& table);
    ~TableReader();  // reports unknown keys

    TableReader(const TableReader&) = delete;
    TableReader& operator=(const TableReader&) = delete;

    void setObject(std::string object) { object_ = std::move(object); }
    const std::string& object() const { return object_; }
    const std::string& file() const { return sink_.file; }
    const toml::table& table() const { return table_; }
    const std::string& path() const { return path_; }  // of this table inside the object: "ports[0]"
    std::string pathOf(std::string_view key) const;

    // The value at `key` of any type, or null; reports a required one missing.
    const toml::node* node(std::string_view key, Need need = Need::Optional);

    std::optional<std::string> string(std::string_view key, Need need = Need::Optional);
    std::optional<std::int64_t> integer(std::string_view key, Need need = Need::Optional);
    // An integer in [min, max]; outside it "70000 is out of range 1-65535".
    std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max,
                                        Need need = Need::Optional);
    std::optional<bool> boolean(std::string_view key, Need need = Need::Optional);

    // A string turned into T by `convert` (std::string_view -> Result<T>); a
    // conversion error is reported at the value with the converter's message.
    template <typename Convert>
    auto converted(std::string_view key, Convert&& convert, Need need = Need::Optional);

    // A string that must be one of `choices` (Kubernetes enums are case-sensitive).
    template <typename E>
    std::optional<E> oneOf(std::string_view key, std::initializer_list<std::pair<std::string_view, E>> choices,
                           Need need = Need::Optional);

    // An array of strings, each converted; elements that fail are reported and
    // left out. nullopt when absent or not an array.
    template <typename Convert>
    auto items(std::string_view key, Convert&& convert, Need need = Need::Optional);
    template <typename Convert>
    auto list(std::string_view key, Convert&& convert, Need need = Need::Optional);

    // fn(TableReader&) over the table at `key`; false when absent or not a table.
    template <typename Fn>
    bool withTable(std::string_view key, Fn&& fn, Need need = Need::Optional);
    // fn(TableReader&, std::size_t index) over each table of the array at `key`.
    template <typename Fn>
    bool forEachTable(std::string_view key, Fn&& fn, Need need = Need::Optional);

    // The table at `key` for callers that walk its entries themselves (maps
    // such as labels, whose keys are data, not schema).
    const toml::table* subtable(std::string_view key, Need need = Need::Optional);

    // An error about the value `at`, found under `key` of this table.
    void error(const toml::node& at, std::string_view key, std::string message);
    // An error at an explicit position, `path` already complete.
    void errorAt(const toml::source_region& at, std::string path, std::string message);
    // An error about this table as a whole ("needs podSelector, ...").
    void tableError(std::string message);
    void typeError(const toml::node& at, std::string_view key, std::string_view expected);

private:
    struct DocumentTag {};
    TableReader(const ErrorSink& sink, const toml::table& table, DocumentTag);

    bool known(std::string_view key) const;
    std::string suggestionFor(std::string_view key) const;
    void missing(std::string_view key);
    // The element converters below are shared by items() and converted().
    template <typename Convert>
    auto convertString(const toml::node& value, std::string path, Convert& convert)
        -> std::optional<ConvertedType<Convert>>;

    const ErrorSink& sink_;
    const toml::table& table_;
    std::string object_;
    std::string path_;
    bool document_ = false;
    std::vector<std::string> asked_;
};

// ----- templates -----

template <typename Convert>
auto TableReader::convertString(const toml::node& value, std::string path, Convert& convert)
    -> std::optional<ConvertedType<Convert>> {
    const auto* text = value.as_string();
    if (!text) {
        errorAt(value.source(), std::move(path),
                "expected a string, got " + std::string(typeName(value.type())));
        return std::nullopt;
    }
    auto result = convert(std::string_view(text->get()));
    if (!result.ok()) {
        errorAt(value.source(), std::move(path), result.error().message);
        return std::nullopt;
    }
    return std::move(result).value();
}

template <typename Convert>
auto TableReader::converted(std::string_view key, Convert&& convert, Need need) {
    using T = ConvertedType<Convert>;
    const toml::node* value = node(key, need);
    if (!value) return std::optional<T>{};
    return std::optional<T>(convertString(*value, pathOf(key), convert));
}

template <typename E>
std::optional<E> TableReader::oneOf(std::string_view key,
                                    std::initializer_list<std::pair<std::string_view, E>> choices, Need need) {
    auto text = string(key, need);
    if (!text) return std::nullopt;
    std::string expected;
    for (const auto& [name, value] : choices) {
        if (name == *text) return value;
        expected += expected.empty() ? "" : ", ";
        expected += name;
    }
    error(*table_.get(key), key, "unknown value '" + *text + "'; expected one of " + expected);
    return std::nullopt;
}

template <typename Convert>
auto TableReader::items(std::string_view key, Convert&& convert, Need need) {
    using T = ConvertedType<Convert>;
    std::optional<std::vector<Item<T>>> out;
    const toml::node* value = node(key, need);
    if (!value) return out;
    const auto* array = value->as_array();
    if (!array) {
        typeError(*value, key, "an array");
        return out;
    }
    out.emplace();
    for (std::size_t i = 0; i < array->size(); ++i) {
        std::string path = pathOf(key) + "[" + std::to_string(i) + "]";
        const toml::node& element = *array->get(i);
        if (auto converted = convertString(element, path, convert))
            out->push_back(Item<T>{std::move(*converted), &element, std::move(path)});
    }
    return out;
}

template <typename Convert>
auto TableReader::list(std::string_view key, Convert&& convert, Need need) {
    using T = ConvertedType<Convert>;
    std::optional<std::vector<T>> out;
    auto found = items(key, convert, need);
    if (!found) return out;
    out.emplace();
    for (auto& item : *found) out->push_back(std::move(item.value));
    return out;
}

template <typename Fn>
bool TableReader::withTable(std::string_view key, Fn&& fn, Need need) {
    const toml::table* table = subtable(key, need);
    if (!table) return false;
    TableReader child(sink_, *table, object_, pathOf(key));
    fn(child);
    return true;
}

template <typename Fn>
bool TableReader::forEachTable(std::string_view key, Fn&& fn, Need need) {
    const toml::node* value = node(key, need);
    if (!value) return false;
    const auto* array = value->as_array();
    if (!array) {
        typeError(*value, key, "an array of tables");
        return false;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        std::string path = pathOf(key) + "[" + std::to_string(i) + "]";
        const toml::node& element = *array->get(i);
        if (const auto* table = element.as_table()) {
            TableReader child(sink_, *table, object_, std::move(path));
            fn(child, i);
        } else {
            errorAt(element.source(), std::move(path),
                    "expected a table, got " + std::string(typeName(element.type())));
        }
    }
    return true;
}

}  // namespace nodeplane::config
