#include <algorithm>

#include "k8sjson/object_reader.h"
#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

constexpr KindInfo kKinds[] = {
    {Kind::Service, "v1", "Service", true},
    {Kind::EndpointSlice, "discovery.k8s.io/v1", "EndpointSlice", true},
    {Kind::Node, "v1", "Node", false},
    {Kind::Namespace, "v1", "Namespace", false},
    {Kind::Pod, "v1", "Pod", true},
    {Kind::NetworkPolicy, "networking.k8s.io/v1", "NetworkPolicy", true},
};

std::string describe(std::string_view apiVersion, std::string_view kind) {
    return "'" + std::string(apiVersion) + " " + std::string(kind) + "'";
}

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
    std::string label = info.name;
    std::size_t before = sink.errors->size();
    // Errors about the name itself are reported before the object has one.
    readIdentity(root, object, info.namespaced, label);
    sink.object = label;
    for (std::size_t i = before; i < sink.errors->size(); ++i) (*sink.errors)[i].object = label;
    object.where.file = sink.source;
    reader(root, object);
    if (sink.errors->size() == before) into.push_back(std::move(object));
}

// The object's own kind and apiVersion, both required.
const KindInfo* ownKind(const JsonValue& root) {
    auto apiVersion = root["apiVersion"].string(true);
    auto kind = root["kind"].string(true);
    if (!apiVersion || !kind) return nullptr;
    const KindInfo* info = findKind(*apiVersion, *kind);
    if (!info) root["kind"].error(describe(*apiVersion, *kind) + " is not a kind nodeplane reads");
    return info;
}

// Absent, or the string `expected`; an error otherwise.
bool matches(const JsonValue& v, std::string_view expected, const char* what) {
    if (!v.present()) return true;
    auto text = v.string();
    if (!text) return false;
    if (*text == expected) return true;
    v.error("'" + *text + "' does not match the expected " + what + " '" + std::string(expected) + "'");
    return false;
}

const KindInfo* kindOf(const JsonValue& root, const KindRule& rule) {
    using Source = KindRule::Source;
    JsonValue kind = root["kind"];
    JsonValue apiVersion = root["apiVersion"];
    if (rule.source == Source::Known) {
        const KindInfo& expected = *rule.expected;
        bool ok = matches(kind, expected.name, "kind");
        ok = matches(apiVersion, expected.apiVersion, "apiVersion") && ok;
        return ok ? &expected : nullptr;
    }
    if (rule.source == Source::List && !kind.present() && !apiVersion.present()) {
        // The API server leaves kind and apiVersion out of a typed list's items.
        if (!rule.expected) kind.error("is required: " + rule.listName + " is not a list of a kind nodeplane reads");
        return rule.expected;
    }
    const KindInfo* info = ownKind(root);
    if (info && rule.source == Source::List && rule.expected && info != rule.expected) {
        kind.error(describe(info->apiVersion, info->name) + " does not match the list's kind '" + rule.listName +
                   "'");
        return nullptr;
    }
    return info;
}

}  // namespace

const KindInfo& infoOf(Kind kind) {
    return *std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindInfo& k) { return k.kind == kind; });
}

const KindInfo* findKind(std::string_view apiVersion, std::string_view kind) {
    const auto* info = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const KindInfo& k) {
        return kind == k.name && apiVersion == k.apiVersion;
    });
    return info == std::end(kKinds) ? nullptr : info;
}

std::string_view kindName(Kind kind) { return infoOf(kind).name; }

std::string_view apiVersionOf(Kind kind) { return infoOf(kind).apiVersion; }

void readObject(const JsonValue& root, const KindRule& rule, ErrorSink& sink, Objects& out) {
    sink.object.clear();
    const KindInfo* info = kindOf(root, rule);
    if (!info) return;
    switch (info->kind) {
        case Kind::Service: readOne(root, *info, sink, out.services, readService); break;
        case Kind::EndpointSlice: readOne(root, *info, sink, out.endpointSlices, readEndpointSlice); break;
        case Kind::Node: readOne(root, *info, sink, out.nodes, readNode); break;
        case Kind::Namespace: readOne(root, *info, sink, out.namespaces, readNamespace); break;
        case Kind::Pod: readOne(root, *info, sink, out.pods, readPod); break;
        case Kind::NetworkPolicy: readOne(root, *info, sink, out.networkPolicies, readNetworkPolicy); break;
    }
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
