#include "state/field_readers.h"

#include <algorithm>

#include "config/name_syntax.h"

namespace nodeplane::state {

using config::checkedString;
using config::checkLabelValue;
using config::checkPortName;
using config::checkQualifiedName;

Result<IpAddress> toIp(std::string_view text) {
    if (auto ip = IpAddress::parse(text)) return *ip;
    return Error::logical("'" + std::string(text) + "' is not an IP address");
}

Result<IpPrefix> toPrefix(std::string_view text) {
    if (auto prefix = IpPrefix::parse(text)) return *prefix;
    if (auto loose = IpPrefix::parse(text, true)) {
        IpPrefix network = *loose;
        // Clear the host bits to say which CIDR was probably meant.
        for (int bit = network.length; bit < network.address.bitLength(); ++bit)
            network.address.bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
        return Error::logical("'" + std::string(text) + "' has host bits set; the CIDR is " + network.toString());
    }
    return Error::logical("'" + std::string(text) + "' is not a CIDR");
}

SourceLocation locationOf(const TableReader& reader, const toml::source_region& region) {
    return SourceLocation{reader.file(), static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

KeySite siteOf(const TableReader& reader, const toml::node& at, std::string_view key) {
    return KeySite{locationOf(reader, at.source()), reader.object(), reader.pathOf(key)};
}

std::optional<Identity> readIdentity(TableReader& r, std::string_view kind, Scope scope,
                                     Status (*checkName)(std::string_view), ParsedSnapshot& out) {
    std::optional<std::string> namespace_;
    if (scope == Scope::Namespaced)
        namespace_ = r.converted("namespace", checkedString(config::checkDnsLabel), Need::Required);
    auto name = r.converted("name", checkedString(checkName), Need::Required);
    if (!name || (scope == Scope::Namespaced && !namespace_)) return std::nullopt;

    Identity id{namespace_.value_or(""), *name};
    r.setObject(std::string(kind) + " " + (namespace_ ? id.namespace_ + "/" : "") + id.name);
    out.claims.push_back(Claim{Claim::Kind::Object, r.object(),
                               KeySite{locationOf(r, r.table().source()), r.object(), ""}});
    if (namespace_)
        out.references.push_back(Reference{Reference::Target::Namespace, "", id.namespace_,
                                           siteOf(r, *r.table().get("namespace"), "namespace")});
    return id;
}

namespace {

// Walks a table whose keys are data; each key must pass `checkKey`, each
// value be a string passing `checkValue`.
Labels readStringMap(TableReader& r, std::string_view key, Status (*checkKey)(std::string_view),
                     Status (*checkValue)(std::string_view)) {
    Labels out;
    const toml::table* table = r.subtable(key);
    if (!table) return out;
    for (const auto& [entryKey, value] : *table) {
        std::string path = config::keyPath(r.pathOf(key), entryKey.str());
        Status keyOk = checkKey(entryKey.str());
        if (!keyOk.ok()) r.errorAt(entryKey.source(), path, keyOk.error().message);
        const auto* text = value.as_string();
        if (!text) {
            r.errorAt(value.source(), path, "expected a string, got " + std::string(config::typeName(value.type())));
            continue;
        }
        Status valueOk = checkValue(text->get());
        if (!valueOk.ok()) r.errorAt(value.source(), path, valueOk.error().message);
        if (keyOk.ok() && valueOk.ok()) out.emplace(std::string(entryKey.str()), text->get());
    }
    return out;
}

Status anyValue(std::string_view) { return {}; }

template <typename T>
IpFamily familyOf(const T& value) {
    if constexpr (std::is_same_v<T, IpPrefix>)
        return value.address.family;
    else
        return value.family;
}

// Items of `key` converted by `convert`, refusing a second of one family.
template <typename Convert>
auto readOnePerFamily(TableReader& r, std::string_view key, Convert convert) {
    using T = config::ConvertedType<Convert>;
    std::vector<Item<T>> kept;
    auto found = r.items(key, convert);
    if (!found) return kept;
    for (auto& item : *found) {
        bool taken = std::any_of(kept.begin(), kept.end(), [&](const Item<T>& k) {
            return familyOf(k.value) == familyOf(item.value);
        });
        if (taken) {
            r.errorAt(item.node->source(), item.path,
                      std::string("a second IPv") + (familyOf(item.value) == IpFamily::V4 ? "4" : "6") +
                          " entry; at most one of each family is allowed");
            continue;
        }
        kept.push_back(std::move(item));
    }
    return kept;
}

}  // namespace

Labels readLabels(TableReader& r, std::string_view key) {
    return readStringMap(r, key, checkQualifiedName, checkLabelValue);
}

Labels readAnnotations(TableReader& r, std::string_view key) {
    return readStringMap(r, key, checkQualifiedName, anyValue);
}

Protocol readProtocol(TableReader& r) {
    return r.oneOf<Protocol>("protocol", {{"TCP", Protocol::TCP}, {"UDP", Protocol::UDP}, {"SCTP", Protocol::SCTP}})
        .value_or(Protocol::TCP);
}

std::optional<std::uint16_t> readPort(TableReader& r, std::string_view key, Need need) {
    auto port = r.integer(key, 1, 65535, need);
    if (!port) return std::nullopt;
    return static_cast<std::uint16_t>(*port);
}

std::optional<PortRef> readPortRef(TableReader& r, std::string_view key) {
    const toml::node* value = r.node(key);
    if (!value) return std::nullopt;
    if (value->is_integer()) {
        if (auto port = readPort(r, key)) return PortRef{*port};
        return std::nullopt;
    }
    if (const auto* text = value->as_string()) {
        const std::string& name = text->get();
        Status ok = checkPortName(name);
        if (ok.ok()) return PortRef{name};
        bool digits = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
        r.error(*value, key, ok.error().message + (digits ? "; write a port number without quotes" : ""));
        return std::nullopt;
    }
    r.typeError(*value, key, "a port number or a port name");
    return std::nullopt;
}

std::vector<Item<IpAddress>> readIpsOnePerFamily(TableReader& r, std::string_view key) {
    return readOnePerFamily(r, key, toIp);
}

std::vector<IpPrefix> readPrefixesOnePerFamily(TableReader& r, std::string_view key) {
    return valuesOf(readOnePerFamily(r, key, toPrefix));
}

namespace {

void readRequirement(TableReader& e, std::vector<SelectorRequirement>& out) {
    auto key = e.converted("key", checkedString(checkQualifiedName), Need::Required);
    auto op = e.oneOf<SelectorOperator>("operator",
                                        {{"In", SelectorOperator::In},
                                         {"NotIn", SelectorOperator::NotIn},
                                         {"Exists", SelectorOperator::Exists},
                                         {"DoesNotExist", SelectorOperator::DoesNotExist}},
                                        Need::Required);
    auto values = e.list("values", checkedString(checkLabelValue));
    if (!key || !op) return;
    // metav1 LabelSelectorRequirement: In and NotIn need values, Exists and
    // DoesNotExist must have none.
    bool needsValues = *op == SelectorOperator::In || *op == SelectorOperator::NotIn;
    const std::string opName = e.table().get("operator")->as_string()->get();
    const toml::node* given = e.table().get("values");
    bool empty = !given || (given->as_array() && given->as_array()->empty());
    if (needsValues && !given) {
        e.errorAt(e.table().source(), e.pathOf("values"), "required for operator " + opName);
        return;
    }
    if (needsValues && empty) {
        e.error(*given, "values", "must not be empty for operator " + opName);
        return;
    }
    if (!needsValues && !empty) {
        e.error(*given, "values", "must be empty for operator " + opName);
        return;
    }
    out.push_back(SelectorRequirement{*key, *op, values.value_or(std::vector<std::string>{})});
}

}  // namespace

std::optional<LabelSelector> readSelector(TableReader& r, std::string_view key, Need need) {
    std::optional<LabelSelector> out;
    r.withTable(
        key,
        [&](TableReader& s) {
            LabelSelector selector;
            selector.matchLabels = readLabels(s, "matchLabels");
            s.forEachTable("matchExpressions",
                           [&](TableReader& e, std::size_t) { readRequirement(e, selector.matchExpressions); });
            out = std::move(selector);
        },
        need);
    return out;
}

}  // namespace nodeplane::state
