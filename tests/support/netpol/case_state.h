// The cluster as a case leaves it after a step: every action of steps 1..N
// applied in order (steps are cumulative), starting from the model's labels
// and no policies.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "case_model.h"
#include "common/result.h"

namespace nodeplane::netpol {

struct CaseState {
    std::vector<ModelNamespace> namespaces;  // with labels added by add_namespace_label
    std::vector<ModelPod> pods;              // with labels added by add_pod_labels
    std::vector<nlohmann::json> policies;    // creation order; update_policy replaces in place
};

// The state after step `step` (1-based) of `c`. Errors name the case, the
// step, the action and the field: a create of an existing policy, an update
// of a missing one, a label on an unknown namespace or pod.
Result<CaseState> stateAfterStep(const Model& model, const Case& c, int step);

}  // namespace nodeplane::netpol
