#include "case_state.h"

#include "json_fields.h"

namespace nodeplane::netpol {

using nlohmann::json;

namespace {

// "x/name" of a policy object, read from its metadata.
Result<std::string> policyKey(const json& policy, const std::string& where) {
    auto metadata = member(policy, "metadata", where + ": policy");
    if (!metadata) return metadata.error();
    auto ns = stringField(**metadata, "namespace", where + ": policy.metadata");
    if (!ns) return ns.error();
    auto name = stringField(**metadata, "name", where + ": policy.metadata");
    if (!name) return name.error();
    return *ns + "/" + *name;
}

int findPolicy(const CaseState& state, const std::string& key) {
    for (std::size_t i = 0; i < state.policies.size(); ++i) {
        const json& m = state.policies[i]["metadata"];
        if (m["namespace"].get<std::string>() + "/" + m["name"].get<std::string>() == key) return static_cast<int>(i);
    }
    return -1;
}

Status upsertPolicy(CaseState& state, const json& action, bool create, const std::string& where) {
    auto policy = member(action, "policy", where);
    if (!policy) return policy.error();
    auto key = policyKey(**policy, where);
    if (!key) return key.error();
    int existing = findPolicy(state, *key);
    if (create) {
        if (existing >= 0) return fieldError(where, "policy", "NetworkPolicy " + *key + " already exists");
        state.policies.push_back(**policy);
        return {};
    }
    // update_policy replaces the whole object of the same namespace/name.
    if (existing < 0) return fieldError(where, "policy", "NetworkPolicy " + *key + " does not exist");
    state.policies[static_cast<std::size_t>(existing)] = **policy;
    return {};
}

void addLabels(Labels& into, const Labels& added) {
    for (const auto& [k, v] : added) into[k] = v;
}

Status addNamespaceLabels(CaseState& state, const json& action, const std::string& where) {
    auto name = stringField(action, "namespace", where);
    if (!name) return name.error();
    auto labels = labelsField(action, "labels", where);
    if (!labels) return labels.error();
    for (auto& ns : state.namespaces)
        if (ns.name == *name) {
            addLabels(ns.labels, *labels);
            return {};
        }
    return fieldError(where, "namespace", "'" + *name + "' is not a namespace of the model");
}

Status addPodLabels(CaseState& state, const json& action, const std::string& where) {
    auto id = stringField(action, "pod", where);
    if (!id) return id.error();
    auto labels = labelsField(action, "labels", where);
    if (!labels) return labels.error();
    for (auto& pod : state.pods)
        if (pod.id == *id) {
            addLabels(pod.labels, *labels);
            return {};
        }
    return fieldError(where, "pod", "'" + *id + "' is not a pod of the model");
}

Status applyAction(CaseState& state, const json& action, const std::string& where) {
    auto kind = stringField(action, "action", where);
    if (!kind) return kind.error();
    const std::string here = where + " (" + *kind + ")";
    if (*kind == "create_policy") return upsertPolicy(state, action, true, here);
    if (*kind == "update_policy") return upsertPolicy(state, action, false, here);
    if (*kind == "delete_all_policies") {
        state.policies.clear();
        return {};
    }
    if (*kind == "add_namespace_label") return addNamespaceLabels(state, action, here);
    if (*kind == "add_pod_labels") return addPodLabels(state, action, here);
    return fieldError(where, "action", "unknown action '" + *kind + "'");
}

}  // namespace

Result<CaseState> stateAfterStep(const Model& model, const Case& c, int step) {
    if (step < 1 || step > static_cast<int>(c.steps.size()))
        return Error::logical("case " + c.id + ": no step " + std::to_string(step) + " (it has " +
                              std::to_string(c.steps.size()) + ")");
    CaseState state{model.namespaces, model.pods, {}};
    for (int s = 0; s < step; ++s) {
        const Step& current = c.steps[static_cast<std::size_t>(s)];
        for (std::size_t a = 0; a < current.actions.size(); ++a) {
            const std::string where =
                "case " + c.id + " step " + std::to_string(current.number) + ": actions[" + std::to_string(a) + "]";
            if (auto applied = applyAction(state, current.actions[a], where); !applied) return applied.error();
        }
    }
    return state;
}

}  // namespace nodeplane::netpol
