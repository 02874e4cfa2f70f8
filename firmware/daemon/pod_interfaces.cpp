#include "daemon/pod_interfaces.h"

#include "config/name_syntax.h"

namespace nodeplane::daemon {

std::vector<std::string> assignPodInterfaces(state::Model& model) {
    std::vector<std::string> notes;
    for (auto& pod : model.pods) {
        pod.interface.reset();
        const auto annotation = pod.annotations.find(std::string(kInterfaceAnnotation));
        if (annotation == pod.annotations.end()) continue;
        const std::string who = "Pod " + pod.namespace_ + "/" + pod.name;
        // Another node's pod is delivered through that node: its annotation is not ours.
        if (pod.nodeName != model.node) continue;
        if (pod.hostNetwork) {
            notes.push_back(who + ": a hostNetwork pod has no interface of its own; annotation ignored");
            continue;
        }
        if (auto valid = config::checkInterfaceName(annotation->second); !valid) {
            notes.push_back(who + ": annotation " + std::string(kInterfaceAnnotation) + " '" + annotation->second +
                            "': " + valid.error().message);
            continue;
        }
        pod.interface = annotation->second;
    }
    return notes;
}

}  // namespace nodeplane::daemon
