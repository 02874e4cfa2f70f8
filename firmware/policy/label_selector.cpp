#include "policy/label_selector.h"

#include <algorithm>

namespace nodeplane::policy {

namespace {

bool holds(const state::SelectorRequirement& r, const state::Labels& labels) {
    auto it = labels.find(r.key);
    bool has = it != labels.end();
    auto listed = [&] { return has && std::ranges::find(r.values, it->second) != r.values.end(); };
    switch (r.op) {
        case state::SelectorOperator::In: return listed();
        // NotIn also holds when the key is absent (labels.Requirement.Matches).
        case state::SelectorOperator::NotIn: return !listed();
        case state::SelectorOperator::Exists: return has;
        case state::SelectorOperator::DoesNotExist: return !has;
    }
    return false;
}

}  // namespace

bool selects(const state::LabelSelector& selector, const state::Labels& labels) {
    for (const auto& [key, value] : selector.matchLabels) {
        auto it = labels.find(key);
        if (it == labels.end() || it->second != value) return false;
    }
    return std::ranges::all_of(selector.matchExpressions, [&](const auto& r) { return holds(r, labels); });
}

}  // namespace nodeplane::policy
