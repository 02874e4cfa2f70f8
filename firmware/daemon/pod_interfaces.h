// The host end of a local pod's veth, with the API server as the source. A
// Pod object does not say which interface the CNI plugin created for it, so
// the plugin annotates the Pod with it (as CNI plugins annotate pod IPs);
// the snapshot carries the same fact as the pod's `interface` key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "state/model.h"

namespace nodeplane::daemon {

inline constexpr std::string_view kInterfaceAnnotation = "nodeplane.io/interface";

// Sets `interface` on every pod of `model.node` that carries a valid
// annotation (and is not hostNetwork), and clears it everywhere else.
// Returns one note per annotation it could not use, naming the pod and why.
std::vector<std::string> assignPodInterfaces(state::Model& model);

}  // namespace nodeplane::daemon
