// One parsed document: a single object, or a List of them with its ListMeta.
#include "k8sjson/element.h"
#include "k8sjson/object_reader.h"

namespace nodeplane::k8sjson {

namespace {

constexpr std::string_view kListSuffix = "List";

bool endsWithList(std::string_view kind) {
    return kind.size() >= kListSuffix.size() && kind.substr(kind.size() - kListSuffix.size()) == kListSuffix;
}

bool isList(simdjson::dom::object document) {
    std::string_view kind;
    if (document["kind"].get(kind) != simdjson::SUCCESS) return document["items"].error() == simdjson::SUCCESS;
    return endsWithList(kind);
}

// The rule for the items: a generic "List" (or one without a kind) names no
// item kind; "PodList" of apiVersion v1 names v1 Pod.
KindRule itemRule(const JsonValue& root) {
    KindRule rule;
    auto kind = root["kind"].string();
    if (!kind || *kind == kListSuffix) return rule;
    auto apiVersion = root["apiVersion"].string().value_or("");
    rule.source = KindRule::Source::List;
    rule.listName = apiVersion.empty() ? *kind : apiVersion + " " + *kind;
    rule.expected = findKind(apiVersion, std::string_view(*kind).substr(0, kind->size() - kListSuffix.size()));
    return rule;
}

void readList(const JsonValue& root, ErrorSink& sink, Parsed& parsed) {
    JsonValue meta = root["metadata"];
    parsed.list.resourceVersion = meta["resourceVersion"].string().value_or("");
    parsed.list.continueToken = meta["continue"].string().value_or("");
    KindRule rule = itemRule(root);
    JsonValue items = root["items"];
    if (!items.present()) items.error("is required in a List");
    // Paths of list members start at their index, so an error reads
    // "items[3].spec.ports[0].port".
    for (const auto& item : items.items()) readObject(item, rule, sink, parsed.objects);
}

}  // namespace

Parsed parseElement(simdjson::dom::element element, const std::string& source) {
    Parsed parsed;
    ErrorSink sink{source, "", &parsed.errors};
    JsonValue root(element, "", &sink);
    simdjson::dom::object object;
    if (element.get(object) != simdjson::SUCCESS) {
        sink.add("", "expected a Kubernetes object or List");
        return parsed;
    }
    if (isList(object))
        readList(root, sink, parsed);
    else
        readObject(root, KindRule{}, sink, parsed.objects);
    return parsed;
}

Parsed parseElementAs(simdjson::dom::element element, Kind kind, const std::string& source) {
    Parsed parsed;
    ErrorSink sink{source, "", &parsed.errors};
    JsonValue root(element, "", &sink);
    if (!element.is_object()) {
        sink.add("", "expected a Kubernetes " + std::string(kindName(kind)));
        return parsed;
    }
    KindRule rule;
    rule.source = KindRule::Source::Known;
    rule.expected = &infoOf(kind);
    readObject(root, rule, sink, parsed.objects);
    return parsed;
}

}  // namespace nodeplane::k8sjson
