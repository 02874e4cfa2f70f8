// What parsing snapshot documents produces before the cross-object checks:
// the model, plus the facts those checks need with the place each came from
// (references to other objects, values that must be unique). Files of a
// directory are parsed one by one and appended; the checks run once on the
// whole, so a reference may point into another file.
#pragma once

#include <string>
#include <vector>

#include "common/input_error.h"
#include "state/model.h"

namespace nodeplane::state {

// A key of an object, where an error about it is reported.
struct KeySite {
    SourceLocation at;
    std::string object;  // "Pod shop/web-1"
    std::string key;     // "endpoints[0].targetRef"

    InputError error(std::string message) const {
        return InputError{at.file, at.line, at.column, object, key, std::move(message)};
    }
};

// One object names another, which must exist once everything is read.
struct Reference {
    enum class Target {
        Node,       // a [[nodes]] entry
        Namespace,  // a [[namespaces]] entry, checked only when any are listed
        Service,    // a Service in `namespace_`
        Pod,        // a Pod in `namespace_`
        ThisNode,   // `name` must be the snapshot's `node`
    };
    Target target;
    std::string namespace_;
    std::string name;
    KeySite site;
};

// A value only one object may hold; a second holder is an error at its site.
struct Claim {
    enum class Kind {
        Object,     // "Service shop/web": kind, namespace and name
        PodIp,      // a pod IP (hostNetwork pods share the node's and claim none)
        Interface,  // a local pod's host-side interface
        ClusterIp,  // a Service cluster IP
        NodePort,   // "30080/TCP"
    };
    Kind kind;
    std::string value;
    KeySite site;
};

// A document's `node = "..."`. Each file of a directory may set it; all
// that do must agree.
struct NodeSetting {
    std::string name;
    KeySite site;
};

struct ParsedSnapshot {
    Model model;
    std::vector<NodeSetting> nodeSettings;
    std::vector<Reference> references;
    std::vector<Claim> claims;
    // A document could not be read at all (unreadable, syntax error, another
    // format): checks across objects would only report the gaps it left.
    bool incomplete = false;

    // How many of each this holds: a document's share of a merge.
    struct Sizes {
        std::size_t nodes = 0, namespaces = 0, pods = 0, services = 0, endpointSlices = 0, networkPolicies = 0;
        std::size_t nodeSettings = 0, references = 0, claims = 0;
    };
    Sizes sizes() const;

    // Appends another document's objects and facts (directory merge).
    void append(ParsedSnapshot&& other);
    // Moves out `count` of each starting at `from` (a document's share) and
    // advances `from` past them; what is left here is moved-from until
    // clear(). incomplete is not carried: the caller keeps it per document.
    ParsedSnapshot takeShare(Sizes& from, const Sizes& count);
    // Puts `with`'s objects and facts where `count` of each start at `at`
    // (a document's share, taken or not): in place when the counts are
    // equal, the usual case of a changed document.
    void replaceShare(const Sizes& at, const Sizes& count, ParsedSnapshot&& with);
    void clear() { *this = ParsedSnapshot{}; }
};

}  // namespace nodeplane::state
