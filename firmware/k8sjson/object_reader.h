// Internal to k8sjson: reading one object of any supported kind, where its
// kind comes from the object itself, from the typed list holding it, or from
// the caller (a watch on one resource).
#pragma once

#include <string>
#include <string_view>

#include "k8sjson/json_reader.h"
#include "k8sjson/k8sjson.h"

namespace nodeplane::k8sjson {

struct KindInfo {
    Kind kind;
    const char* apiVersion;
    const char* name;
    bool namespaced;
};

const KindInfo& infoOf(Kind kind);
// nullptr when nodeplane does not read that kind.
const KindInfo* findKind(std::string_view apiVersion, std::string_view kind);

// How an object's kind is found.
struct KindRule {
    enum class Source {
        Object,  // kind and apiVersion are required on the object
        List,    // both absent: the typed list's item kind; else required and must match it
        Known,   // the caller knows it; each of kind and apiVersion, when present, must match
    };
    Source source = Source::Object;
    const KindInfo* expected = nullptr;  // for List (nullptr: the list's kind is not one we read) and Known
    std::string listName;                // "v1 PodList", for errors
};

// Reads the object at `root` into `out`, or reports why not through `sink`.
void readObject(const JsonValue& root, const KindRule& rule, ErrorSink& sink, Objects& out);

}  // namespace nodeplane::k8sjson
