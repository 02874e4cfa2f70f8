// metav1.LabelSelector matching: matchLabels and matchExpressions are ANDed,
// and an empty selector selects everything (NetworkPolicy podSelector: {}).
#pragma once

#include "state/model.h"

namespace nodeplane::policy {

bool selects(const state::LabelSelector& selector, const state::Labels& labels);

}  // namespace nodeplane::policy
