// workloadOf(): the workload named from a pod's controller owner reference.
#include <CppUTest/TestHarness.h>

#include "observe/workload.h"

using namespace nodeplane;
using namespace nodeplane::observe;
using state::OwnerReference;

namespace {

state::Pod podOwnedBy(std::vector<OwnerReference> refs, state::Labels labels = {}) {
    state::Pod pod;
    pod.namespace_ = "shop";
    pod.name = "web-1";
    pod.labels = std::move(labels);
    pod.ownerReferences = std::move(refs);
    return pod;
}

void checkWorkload(const char* kind, const char* name, const state::Pod& pod) {
    Workload w = workloadOf(pod);
    STRCMP_EQUAL(kind, w.kind.c_str());
    STRCMP_EQUAL(name, w.name.c_str());
}

}  // namespace

TEST_GROUP(Workload){};

TEST(Workload, NoOwnerIsNoWorkload) { checkWorkload("", "", podOwnedBy({})); }

TEST(Workload, ReplicaSetOfADeploymentIsTheDeployment) {
    checkWorkload("Deployment", "web-frontend",
                  podOwnedBy({{"ReplicaSet", "web-frontend-7d4b9c6f8d", true}}, {{"pod-template-hash", "7d4b9c6f8d"}}));
}

TEST(Workload, ReplicaSetWhoseNameDoesNotEndInTheHashIsItself) {
    checkWorkload("ReplicaSet", "web-frontend-7d4b9c6f8d",
                  podOwnedBy({{"ReplicaSet", "web-frontend-7d4b9c6f8d", true}}, {{"pod-template-hash", "5c8f7b"}}));
}

TEST(Workload, ReplicaSetWithoutHashLabelIsItself) {
    checkWorkload("ReplicaSet", "cache-x2x9z", podOwnedBy({{"ReplicaSet", "cache-x2x9z", true}}, {{"app", "cache"}}));
}

TEST(Workload, HashMustFollowADash) {
    // "webabc" ends in "abc" but not in "-abc": no Deployment would name it so.
    checkWorkload("ReplicaSet", "webabc", podOwnedBy({{"ReplicaSet", "webabc", true}}, {{"pod-template-hash", "abc"}}));
}

TEST(Workload, ReplicaSetNamedOnlyTheHashIsItself) {
    checkWorkload("ReplicaSet", "x-abc", podOwnedBy({{"ReplicaSet", "x-abc", true}}, {{"pod-template-hash", "x-abc"}}));
}

TEST(Workload, StatefulSetDaemonSetAndJobAreThemselves) {
    checkWorkload("StatefulSet", "db", podOwnedBy({{"StatefulSet", "db", true}}));
    checkWorkload("DaemonSet", "log-agent", podOwnedBy({{"DaemonSet", "log-agent", true}}));
    checkWorkload("Job", "migrate", podOwnedBy({{"Job", "migrate", true}}));
}

TEST(Workload, CronJobsJobStaysAJob) {
    // <cronjob>-<scheduled minutes>: only the Job's own owner would say
    // CronJob, and the pod does not carry it.
    checkWorkload("Job", "nightly-28391040",
                  podOwnedBy({{"Job", "nightly-28391040", true}}, {{"job-name", "nightly-28391040"}}));
}

TEST(Workload, TheControllerAmongSeveralOwners) {
    checkWorkload("StatefulSet", "db",
                  podOwnedBy({{"ConfigMap", "settings", false},
                              {"Service", "x", std::nullopt},
                              {"StatefulSet", "db", true}}));
}

TEST(Workload, ASingleOwnerThatDoesNotSayIsTheController) {
    checkWorkload("DaemonSet", "log-agent", podOwnedBy({{"DaemonSet", "log-agent", std::nullopt}}));
}

TEST(Workload, ASingleOwnerThatIsNotTheControllerNamesNothing) {
    checkWorkload("", "", podOwnedBy({{"DaemonSet", "log-agent", false}}));
}

TEST(Workload, SeveralOwnersNoneTheControllerNameNothing) {
    checkWorkload("", "", podOwnedBy({{"DaemonSet", "a", std::nullopt}, {"StatefulSet", "b", std::nullopt}}));
}
