// The workload a pod belongs to, named from its controller owner reference
// the way `kubectl` users think of it: the Deployment behind a ReplicaSet,
// the StatefulSet, DaemonSet or Job itself. Used for the policy action log's
// workload_kind and workload_name.
#pragma once

#include <string>

#include "state/model.h"

namespace nodeplane::observe {

struct Workload {
    std::string kind;  // empty when the pod has no owner
    std::string name;

    bool operator==(const Workload&) const = default;
};

// The pod's controller: the owner reference with controller = true, or, when
// no reference says either way and there is just one, that one. A ReplicaSet
// named <deployment>-<the pod's pod-template-hash label> is that Deployment's
// (the name the Deployment controller gives it). Every other owner is named
// as itself: a Job stays a Job even when its name looks like a CronJob's
// (<cronjob>-<digits>), since only the Job object would say so.
Workload workloadOf(const state::Pod& pod);

}  // namespace nodeplane::observe
