// One line of a watch stream ({"type": ..., "object": {...}}) and an error
// response's Status, read with simdjson. The object itself stays
// JSON text: k8sjson decodes it into the model.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace nodeplane::kube {

enum class EventType { Added, Modified, Deleted, Bookmark, Error };

struct WatchEvent {
    EventType type = EventType::Added;
    std::string resourceVersion;  // object.metadata.resourceVersion; "" on ERROR
    std::string object;           // the object as JSON text (ADDED/MODIFIED/DELETED)
    std::string namespace_;       // object.metadata.namespace; "" for cluster-scoped kinds
    std::string name;             // object.metadata.name (ADDED/MODIFIED/DELETED)
    // ERROR only: the metav1.Status the server sent. 410 (Gone, reason
    // "Expired") means the resourceVersion is too old: relist.
    int statusCode = 0;
    std::string statusMessage;
};

// Owns the parser's buffers so that one watcher reuses them for every line.
class EventDecoder {
public:
    EventDecoder();
    ~EventDecoder();
    EventDecoder(const EventDecoder&) = delete;
    EventDecoder& operator=(const EventDecoder&) = delete;

    // A line of a watch stream; garbage or an unknown type is an error.
    Result<WatchEvent> decode(std::string_view line);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// A metav1.Status body's message (for HTTP errors); "" when it is not one.
std::string statusMessage(std::string_view body);

}  // namespace nodeplane::kube
