// Kubernetes objects as JSON (`kubectl get -o json`, or the API server's list
// and watch responses: one object, or a List of them) into the typed model,
// field by field as spec/snapshot.md maps them: metadata flattened,
// status.loadBalancer.ingress[].ip as loadBalancerIPs, the
// kubernetes.io/service-name label as an EndpointSlice's service, and the
// API's defaults for absent fields. Fields the model has no place for
// (uid, resourceVersion, selector, ...) are ignored; a field it reads with a
// wrong type or value is an error naming the object and its JSON path.
// Parsed with simdjson; its large header stays behind k8sjson/element.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/input_error.h"
#include "state/model.h"

namespace nodeplane::k8sjson {

// The kinds nodeplane reads.
enum class Kind { Node, Namespace, Pod, Service, EndpointSlice, NetworkPolicy };

// "Pod", "EndpointSlice", ...
std::string_view kindName(Kind kind);
// "v1", "discovery.k8s.io/v1", "networking.k8s.io/v1".
std::string_view apiVersionOf(Kind kind);

// The objects of one document, each kind in document order.
struct Objects {
    std::vector<state::Node> nodes;
    std::vector<state::Namespace> namespaces;
    std::vector<state::Pod> pods;
    std::vector<state::Service> services;
    std::vector<state::EndpointSlice> endpointSlices;
    std::vector<state::NetworkPolicy> networkPolicies;

    bool operator==(const Objects&) const = default;
};

// A List's metadata (ListMeta): where a watch resumes, and where a chunked
// list continues (`continue`, empty on the last chunk).
struct ListMeta {
    std::string resourceVersion;
    std::string continueToken;

    bool operator==(const ListMeta&) const = default;
};

struct Parsed {
    bool ok() const { return errors.empty(); }
    Objects objects;     // the objects read without error
    InputErrors errors;  // any error: refuse the document whole
    ListMeta list;       // from a List's metadata; empty for a single object
};

// `source` names the document in errors (a file name, "services-public.json").
// Supported: v1 Service, Node, Namespace, Pod; discovery.k8s.io/v1
// EndpointSlice; networking.k8s.io/v1 NetworkPolicy; and v1 List or any
// "<Kind>List" holding them. A syntax error is reported with its byte offset.
//
// The items of a typed list ("PodList") as the API server sends them carry
// neither kind nor apiVersion; they take both from the list. An item that
// carries them (kubectl fills them in) must name the list's kind. Items of a
// generic "List" must each carry their kind.
Parsed parseText(std::string_view text, const std::string& source);

// For documents built in memory (test fixtures build them with
// nlohmann::json): anything with `dump()` giving its JSON text.
template <typename Json>
Parsed parseJson(const Json& document, const std::string& source) {
    return parseText(document.dump(), source);
}

// Adds the objects to a model (which keeps its node and other objects).
void appendTo(state::Model& model, Objects objects);

}  // namespace nodeplane::k8sjson
