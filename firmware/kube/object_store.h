// The objects the feed holds, by kind and (namespace, name), and what changed
// since the daemon last took them. Lists replace a kind wholesale; watch
// events put or remove one object. Only objects that decode differently count
// as changes, so status churn the model does not read wakes nobody.
#pragma once

#include <map>
#include <string>
#include <tuple>

#include "common/input_error.h"
#include "k8sjson/k8sjson.h"
#include "kube/resource_kinds.h"
#include "state/model.h"
#include "state/snapshot_changes.h"

namespace nodeplane::kube {

// Every object decoded from the API server carries this as where.file, so a
// re-decode of the same object compares equal.
inline constexpr const char* kSourceName = "kubernetes";

struct FeedState {
    state::Model model;              // every object held now, kinds in a stable order (sorted by namespace/name)
    InputErrors errors;              // objects that failed to decode (each names kind ns/name and the JSON path)
    state::SnapshotChanges changes;  // since the last take(): `everything` on the first, otherwise per object
};

class ObjectStore {
public:
    explicit ObjectStore(std::string nodeName);

    // A full list of one kind (its objects and decode errors) replaces what
    // is held of that kind. Returns whether anything (objects or errors) changed.
    bool replace(Kind kind, k8sjson::Parsed parsed);
    // An ADDED or MODIFIED object (namespace "" for cluster-scoped kinds):
    // its decode replaces what is held under that key; a decode error
    // removes the object and records the error.
    bool put(Kind kind, const state::ObjectKey& key, k8sjson::Parsed parsed);
    bool remove(Kind kind, const state::ObjectKey& key);

    // The current state and the changes since the last take() or refresh().
    FeedState take();
    // The same into a state the caller keeps between calls: only the kinds
    // that changed since the last call are copied again (all of them with
    // `all`, or on the first call), so a steady stream of endpoint changes
    // does not copy 50,000 pods each time. `state.errors` is replaced and
    // `state.changes` set to the changes since the last call.
    void refresh(FeedState& state, bool all);

private:
    template <typename T>
    struct Table {
        std::map<state::ObjectKey, T> objects;
        std::map<std::string, InputErrors> errors;  // by object label ("Pod shop/web-1")
        bool dirty = true;  // changed since the last take() or refresh()
    };
    template <typename T>
    Table<T>& table();
    template <typename T>
    bool replaceIn(Kind kind, std::vector<T> objects, InputErrors errors);
    template <typename T>
    bool putIn(Kind kind, const state::ObjectKey& key, std::vector<T> objects, InputErrors errors);
    template <typename T>
    bool removeFrom(Kind kind, const state::ObjectKey& key);
    template <typename T>
    void noteChange(const T* before, const T* after);

    std::string nodeName_;
    std::tuple<Table<state::Node>, Table<state::Namespace>, Table<state::Pod>, Table<state::Service>,
               Table<state::EndpointSlice>, Table<state::NetworkPolicy>>
        tables_;
    state::SnapshotChanges changes_;
    bool taken_ = false;
};

}  // namespace nodeplane::kube
