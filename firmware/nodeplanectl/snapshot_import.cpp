#include "nodeplanectl/snapshot_import.h"

#include <map>

#include "k8sjson/k8sjson.h"
#include "state/snapshot_loader.h"
#include "state/snapshot_writer.h"

namespace nodeplane::ctl {
namespace {

// The name the daemon's errors give an object ("Pod shop/web-1"), mapped to
// the input it came from.
using Origins = std::map<std::string, std::string>;

template <typename T>
void addOrigins(Origins& origins, const char* kind, const std::vector<T>& objects) {
    for (const auto& o : objects) {
        std::string name = kind;
        if constexpr (requires { o.namespace_; }) name += " " + o.namespace_ + "/" + o.name;
        else name += " " + o.name;
        origins.emplace(std::move(name), o.where.file);
    }
}

Origins originsOf(const state::Model& model) {
    Origins origins;
    addOrigins(origins, "Node", model.nodes);
    addOrigins(origins, "Namespace", model.namespaces);
    addOrigins(origins, "Pod", model.pods);
    addOrigins(origins, "Service", model.services);
    addOrigins(origins, "EndpointSlice", model.endpointSlices);
    addOrigins(origins, "NetworkPolicy", model.networkPolicies);
    return origins;
}

// The rendered snapshot's lines mean nothing to the user: an error names the
// input its object came from instead (the first input for the snapshot as a
// whole), and the object and key.
InputErrors inTermsOfInputs(InputErrors errors, const Origins& origins, const std::string& firstInput) {
    for (auto& e : errors) {
        auto origin = origins.find(e.object);
        e.file = origin != origins.end() ? origin->second : firstInput;
        e.line = 0;
        e.column = 0;
    }
    return errors;
}

std::optional<std::string> chooseNode(const std::optional<std::string>& given, const state::Model& model,
                                      const std::string& firstInput, InputErrors& errors) {
    if (given) return given;
    if (model.nodes.size() == 1) return model.nodes.front().name;
    errors.push_back(InputError{firstInput, 0, 0, "", "",
                                "the input holds " + std::to_string(model.nodes.size()) +
                                    " Nodes; name the node this snapshot is for with --node NAME"});
    return std::nullopt;
}

}  // namespace

ImportResult importSnapshot(const std::vector<ImportInput>& inputs, const std::optional<std::string>& node) {
    ImportResult result;
    const std::string firstInput = inputs.empty() ? std::string("<no input>") : inputs.front().source;
    state::Model model;
    for (const auto& input : inputs) {
        auto parsed = k8sjson::parseText(input.text, input.source);
        result.errors.insert(result.errors.end(), parsed.errors.begin(), parsed.errors.end());
        k8sjson::appendTo(model, std::move(parsed.objects));
    }
    if (!result.ok()) return result;
    auto chosen = chooseNode(node, model, firstInput, result.errors);
    if (!chosen) return result;
    model.node = *chosen;

    // The daemon's parser and checks, on exactly the text that is written.
    std::string text = state::renderSnapshot(model);
    auto check = state::parseSnapshotText(text, firstInput);
    if (!check.ok()) {
        result.errors = inTermsOfInputs(std::move(check.errors), originsOf(model), firstInput);
        return result;
    }
    result.snapshot = std::move(text);
    result.model = std::move(check.model);
    return result;
}

}  // namespace nodeplane::ctl
