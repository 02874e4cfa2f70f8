#include <algorithm>

#include "k8sjson/k8sjson.h"
#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

struct KindInfo {
    const char* apiVersion;
    const char* kind;
    bool namespaced;
};

constexpr KindInfo kKinds[] = {
    {"v1", "Service", true},
    {"discovery.k8s.io/v1", "EndpointSlice", true},
    {"v1", "Node", false},
    {"v1", "Namespace", false},
    {"v1", "Pod", true},
    {"networking.k8s.io/v1", "NetworkPolicy", true},
};

// Reads metadata.namespace and metadata.name into the model object; a
// namespaced object without a namespace is in "default", as kubectl applies it.
template <typename T>
void readIdentity(const JsonValue& root, T& out, bool namespaced, std::string& label) {
    JsonValue meta = root["metadata"];
    out.name = meta["name"].string(true).value_or("");
    if constexpr (requires { out.namespace_; }) {
        if (namespaced) out.namespace_ = meta["namespace"].string().value_or("default");
        label += " " + out.namespace_ + "/" + out.name;
    } else {
        label += " " + out.name;
    }
}

template <typename T>
void readOne(const JsonValue& root, const KindInfo& info, ErrorSink& sink, std::vector<T>& into,
             void (*reader)(const JsonValue&, T&)) {
    T object;
    std::string label = info.kind;
    std::size_t before = sink.errors->size();
    // Errors about the name itself are reported before the object has one.
    readIdentity(root, object, info.namespaced, label);
    sink.object = label;
    for (std::size_t i = before; i < sink.errors->size(); ++i) (*sink.errors)[i].object = label;
    object.where.file = sink.source;
    reader(root, object);
    if (sink.errors->size() == before) into.push_back(std::move(object));
}

void readObject(const JsonValue& root, ErrorSink& sink, Objects& out) {
    sink.object.clear();
    auto apiVersion = root["apiVersion"].string(true);
    auto kind = root["kind"].string(true);
    if (!apiVersion || !kind) return;
    const auto* info = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindInfo& k) {
        return *kind == k.kind && *apiVersion == k.apiVersion;
    });
    if (info == std::end(kKinds)) {
        root["kind"].error("'" + *apiVersion + " " + *kind + "' is not a kind nodeplane reads");
        return;
    }
    std::string k = info->kind;
    if (k == "Service") readOne(root, *info, sink, out.services, readService);
    else if (k == "EndpointSlice") readOne(root, *info, sink, out.endpointSlices, readEndpointSlice);
    else if (k == "Node") readOne(root, *info, sink, out.nodes, readNode);
    else if (k == "Namespace") readOne(root, *info, sink, out.namespaces, readNamespace);
    else if (k == "Pod") readOne(root, *info, sink, out.pods, readPod);
    else readOne(root, *info, sink, out.networkPolicies, readNetworkPolicy);
}

bool isList(const nlohmann::json& doc) {
    if (!doc.is_object()) return false;
    auto kind = doc.find("kind");
    if (kind == doc.end() || !kind->is_string()) return doc.contains("items");
    const auto& k = kind->get_ref<const std::string&>();
    return k.size() >= 4 && k.compare(k.size() - 4, 4, "List") == 0;
}

}  // namespace

Parsed parseJson(const nlohmann::json& document, const std::string& source) {
    Parsed parsed;
    ErrorSink sink{source, "", &parsed.errors};
    JsonValue root(&document, "", &sink);
    if (!document.is_object()) {
        sink.add("", "expected a Kubernetes object or List");
        return parsed;
    }
    if (!isList(document)) {
        readObject(root, sink, parsed.objects);
        return parsed;
    }
    JsonValue items = root["items"];
    if (!items.present()) items.error("is required in a List");
    for (const auto& item : items.items()) {
        // Paths of list members start at their index, so an error reads
        // "items[3].spec.ports[0].port".
        JsonValue member(&item.raw(), item.path(), &sink);
        readObject(member, sink, parsed.objects);
    }
    return parsed;
}

Parsed parseText(std::string_view text, const std::string& source) {
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        Parsed parsed;
        parsed.errors.push_back(InputError{source, 0, 0, "", "",
                                           "not valid JSON at byte " + std::to_string(e.byte) + ": " + e.what()});
        return parsed;
    }
    return parseJson(document, source);
}

void appendTo(state::Model& model, Objects objects) {
    auto move = [](auto& to, auto& from) {
        to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    };
    move(model.nodes, objects.nodes);
    move(model.namespaces, objects.namespaces);
    move(model.pods, objects.pods);
    move(model.services, objects.services);
    move(model.endpointSlices, objects.endpointSlices);
    move(model.networkPolicies, objects.networkPolicies);
}

}  // namespace nodeplane::k8sjson
