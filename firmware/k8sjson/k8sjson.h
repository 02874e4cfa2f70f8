// Kubernetes objects as JSON (`kubectl get -o json`: one object, or a List of
// them) into the typed model, field by field as spec/snapshot.md maps them:
// metadata flattened, status.loadBalancer.ingress[].ip as loadBalancerIPs,
// the kubernetes.io/service-name label as an EndpointSlice's service, and the
// API's defaults for absent fields. Fields the model has no place for
// (uid, resourceVersion, selector, ...) are ignored; a field it reads with a
// wrong type or value is an error naming the object and its JSON path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/input_error.h"
#include "state/model.h"

namespace nodeplane::k8sjson {

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

struct Parsed {
    bool ok() const { return errors.empty(); }
    Objects objects;     // the objects read without error
    InputErrors errors;  // any error: refuse the document whole
};

// `source` names the document in errors (a file name, "services-public.json").
// Supported: v1 Service, Node, Namespace, Pod; discovery.k8s.io/v1
// EndpointSlice; networking.k8s.io/v1 NetworkPolicy; and v1 List or any
// "<Kind>List" holding them.
Parsed parseJson(const nlohmann::json& document, const std::string& source);
// The same from text; a syntax error is reported with its byte offset.
Parsed parseText(std::string_view text, const std::string& source);

// Adds the objects to a model (which keeps its node and other objects).
void appendTo(state::Model& model, Objects objects);

}  // namespace nodeplane::k8sjson
