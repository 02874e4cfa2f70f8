#include "kube/object_store.h"

#include <utility>

namespace nodeplane::kube {

namespace {

template <typename T>
state::ObjectKey keyOf(const T& object) {
    if constexpr (requires { object.namespace_; }) return {object.namespace_, object.name};
    else return {"", object.name};
}

std::string labelOf(Kind kind, const state::ObjectKey& key) {
    std::string label = kindInfo(kind).singular;
    return label + " " + (key.first.empty() ? key.second : key.first + "/" + key.second);
}

template <typename T>
std::vector<T>& objectsOf(k8sjson::Objects& objects) {
    if constexpr (std::is_same_v<T, state::Node>) return objects.nodes;
    else if constexpr (std::is_same_v<T, state::Namespace>) return objects.namespaces;
    else if constexpr (std::is_same_v<T, state::Pod>) return objects.pods;
    else if constexpr (std::is_same_v<T, state::Service>) return objects.services;
    else if constexpr (std::is_same_v<T, state::EndpointSlice>) return objects.endpointSlices;
    else return objects.networkPolicies;
}

template <typename T>
std::vector<T>& objectsOf(state::Model& model) {
    if constexpr (std::is_same_v<T, state::Node>) return model.nodes;
    else if constexpr (std::is_same_v<T, state::Namespace>) return model.namespaces;
    else if constexpr (std::is_same_v<T, state::Pod>) return model.pods;
    else if constexpr (std::is_same_v<T, state::Service>) return model.services;
    else if constexpr (std::is_same_v<T, state::EndpointSlice>) return model.endpointSlices;
    else return model.networkPolicies;
}

// Calls fn.template operator()<T>(kind) with the model type of `kind`.
template <typename Fn>
decltype(auto) withType(Kind kind, Fn&& fn) {
    switch (kind) {
    case Kind::Node: return fn.template operator()<state::Node>();
    case Kind::Namespace: return fn.template operator()<state::Namespace>();
    case Kind::Pod: return fn.template operator()<state::Pod>();
    case Kind::Service: return fn.template operator()<state::Service>();
    case Kind::EndpointSlice: return fn.template operator()<state::EndpointSlice>();
    case Kind::NetworkPolicy: break;
    }
    return fn.template operator()<state::NetworkPolicy>();
}

}  // namespace

ObjectStore::ObjectStore(std::string nodeName) : nodeName_(std::move(nodeName)) {}

template <typename T>
ObjectStore::Table<T>& ObjectStore::table() {
    return std::get<Table<T>>(tables_);
}

template <typename T>
void ObjectStore::noteChange(const T* before, const T* after) {
    table<T>().dirty = true;
    if constexpr (std::is_same_v<T, state::Service>) {
        changes_.services.insert(keyOf(before ? *before : *after));
    } else if constexpr (std::is_same_v<T, state::EndpointSlice>) {
        // A slice that moved to another service changes both.
        if (before) changes_.endpointSlicesOf.insert({before->namespace_, before->service});
        if (after) changes_.endpointSlicesOf.insert({after->namespace_, after->service});
    } else if constexpr (std::is_same_v<T, state::Node>) {
        changes_.nodes = true;
    } else if constexpr (std::is_same_v<T, state::Namespace>) {
        changes_.namespaces = true;
    } else if constexpr (std::is_same_v<T, state::Pod>) {
        changes_.pods = true;
    } else {
        changes_.networkPolicies = true;
    }
}

namespace {

std::map<std::string, InputErrors> byObject(InputErrors errors) {
    std::map<std::string, InputErrors> out;
    for (auto& e : errors) out[e.object].push_back(std::move(e));
    return out;
}

bool sameErrors(const InputErrors& a, const InputErrors& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].toString() != b[i].toString()) return false;
    return true;
}

bool sameErrors(const std::map<std::string, InputErrors>& a, const std::map<std::string, InputErrors>& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
        if (i->first != j->first || !sameErrors(i->second, j->second)) return false;
    return true;
}

}  // namespace

template <typename T>
bool ObjectStore::replaceIn(Kind, std::vector<T> objects, InputErrors errors) {
    auto& t = table<T>();
    std::map<state::ObjectKey, T> next;
    for (auto& o : objects) {
        auto key = keyOf(o);
        next.insert_or_assign(std::move(key), std::move(o));
    }
    bool changed = false;
    for (const auto& [key, old] : t.objects) {
        auto it = next.find(key);
        if (it == next.end()) noteChange<T>(&old, nullptr), changed = true;
        else if (!(it->second == old)) noteChange<T>(&old, &it->second), changed = true;
    }
    for (const auto& [key, fresh] : next)
        if (!t.objects.contains(key)) noteChange<T>(nullptr, &fresh), changed = true;
    auto nextErrors = byObject(std::move(errors));
    if (!sameErrors(nextErrors, t.errors)) changed = true;
    t.objects = std::move(next);
    t.errors = std::move(nextErrors);
    return changed;
}

template <typename T>
bool ObjectStore::putIn(Kind kind, const state::ObjectKey& key, std::vector<T> objects, InputErrors errors) {
    auto& t = table<T>();
    bool changed = false;
    std::string label = labelOf(kind, key);
    if (errors.empty()) {
        changed = t.errors.erase(label) > 0;
    } else {
        // The object is refused as a list would refuse it: it goes, and its error stays until fixed.
        for (auto& e : errors)
            if (e.object.empty()) e.object = label;
        changed = !sameErrors(t.errors[label], errors);
        t.errors[label] = std::move(errors);
        objects.clear();
    }
    auto it = t.objects.find(key);
    T* fresh = nullptr;
    for (auto& o : objects)
        if (keyOf(o) == key) fresh = &o;
    if (!fresh) {
        if (it == t.objects.end()) return changed;
        noteChange<T>(&it->second, nullptr);
        t.objects.erase(it);
        return true;
    }
    if (it == t.objects.end()) {
        noteChange<T>(nullptr, fresh);
        t.objects.emplace(key, std::move(*fresh));
        return true;
    }
    if (it->second == *fresh) return changed;
    noteChange<T>(&it->second, fresh);
    it->second = std::move(*fresh);
    return true;
}

template <typename T>
bool ObjectStore::removeFrom(Kind kind, const state::ObjectKey& key) {
    auto& t = table<T>();
    bool changed = t.errors.erase(labelOf(kind, key)) > 0;
    auto it = t.objects.find(key);
    if (it == t.objects.end()) return changed;
    noteChange<T>(&it->second, nullptr);
    t.objects.erase(it);
    return true;
}

bool ObjectStore::replace(Kind kind, k8sjson::Parsed parsed) {
    return withType(kind, [&]<typename T>() {
        return replaceIn<T>(kind, std::move(objectsOf<T>(parsed.objects)), std::move(parsed.errors));
    });
}

bool ObjectStore::put(Kind kind, const state::ObjectKey& key, k8sjson::Parsed parsed) {
    return withType(kind, [&]<typename T>() {
        return putIn<T>(kind, key, std::move(objectsOf<T>(parsed.objects)), std::move(parsed.errors));
    });
}

bool ObjectStore::remove(Kind kind, const state::ObjectKey& key) {
    return withType(kind, [&]<typename T>() { return removeFrom<T>(kind, key); });
}

FeedState ObjectStore::take() {
    FeedState out;
    refresh(out, true);
    return out;
}

void ObjectStore::refresh(FeedState& state, bool all) {
    if (!taken_) all = true;
    state.model.node = nodeName_;
    state.errors.clear();
    for (const auto& info : kKinds) {
        withType(info.kind, [&]<typename T>() {
            auto& t = table<T>();
            for (const auto& [label, errors] : t.errors)
                state.errors.insert(state.errors.end(), errors.begin(), errors.end());
            if (!all && !t.dirty) return;
            auto& into = objectsOf<T>(state.model);
            into.clear();
            into.reserve(t.objects.size());
            for (const auto& [key, object] : t.objects) into.push_back(object);
            t.dirty = false;
        });
    }
    state.changes = std::exchange(changes_, {});
    if (!taken_) state.changes.everything = true;
    taken_ = true;
}

}  // namespace nodeplane::kube
