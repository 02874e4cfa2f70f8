#include "kube/watch_event.h"

#include <simdjson.h>

namespace nodeplane::kube {


struct EventDecoder::Impl {
    simdjson::dom::parser parser;
};

EventDecoder::EventDecoder() : impl_(std::make_unique<Impl>()) {}
EventDecoder::~EventDecoder() = default;

namespace {

Result<EventType> eventType(std::string_view type) {
    if (type == "ADDED") return EventType::Added;
    if (type == "MODIFIED") return EventType::Modified;
    if (type == "DELETED") return EventType::Deleted;
    if (type == "BOOKMARK") return EventType::Bookmark;
    if (type == "ERROR") return EventType::Error;
    return Error::logical("watch event of unknown type '" + std::string(type) + "'");
}

std::string excerpt(std::string_view line) {
    constexpr std::size_t kMaxChars = 80;
    return std::string(line.substr(0, kMaxChars)) + (line.size() > kMaxChars ? "..." : "");
}

}  // namespace

Result<WatchEvent> EventDecoder::decode(std::string_view line) {
    simdjson::dom::element root;
    if (auto err = impl_->parser.parse(line.data(), line.size()).get(root))
        return Error::logical(std::string("watch event is not valid JSON (") + simdjson::error_message(err) +
                              "): " + excerpt(line));
    std::string_view type;
    if (root["type"].get(type)) return Error::logical("watch event without a string 'type': " + excerpt(line));
    auto kind = eventType(type);
    if (!kind) return kind.error();
    simdjson::dom::object object;
    if (root["object"].get(object)) return Error::logical("watch event without an 'object': " + excerpt(line));

    WatchEvent event;
    event.type = *kind;
    if (event.type == EventType::Error) {
        std::int64_t code = 0;
        if (object["code"].get(code)) code = 0;
        std::string_view message;
        if (object["message"].get(message)) message = "";
        event.statusCode = static_cast<int>(code);
        event.statusMessage = message;
        return event;
    }
    std::string_view version;
    if (object.at_pointer("/metadata/resourceVersion").get(version) || version.empty())
        return Error::logical("watch event without object.metadata.resourceVersion: " + excerpt(line));
    event.resourceVersion = version;
    if (event.type == EventType::Bookmark) return event;
    std::string_view name, ns;
    if (object.at_pointer("/metadata/name").get(name) || name.empty())
        return Error::logical("watch event without object.metadata.name: " + excerpt(line));
    if (object.at_pointer("/metadata/namespace").get(ns)) ns = "";
    event.name = name;
    event.namespace_ = ns;
    event.object = simdjson::to_string(object);
    return event;
}

std::string statusMessage(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body.data(), body.size()).get(root)) return "";
    std::string_view kind, message;
    if (root["kind"].get(kind) || kind != "Status" || root["message"].get(message)) return "";
    return std::string(message);
}

}  // namespace nodeplane::kube
