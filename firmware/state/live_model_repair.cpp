#include "state/live_model_repair.h"

#include <unordered_set>

namespace nodeplane::state {
namespace {

// Every namespace carries this label, set by the API server to its name
// (immutable since Kubernetes 1.21); policies select namespaces by it.
constexpr const char* kNamespaceNameLabel = "kubernetes.io/metadata.name";

std::string qualified(const std::string& namespace_, const std::string& name) { return namespace_ + "/" + name; }


std::string labelOf(const char* kind, const std::string& namespace_, const std::string& name) {
    return std::string(kind) + " " + qualified(namespace_, name);
}
std::string labelOf(const Pod& p) { return labelOf("Pod", p.namespace_, p.name); }
std::string labelOf(const Service& s) { return labelOf("Service", s.namespace_, s.name); }
std::string labelOf(const EndpointSlice& s) { return labelOf("EndpointSlice", s.namespace_, s.name); }

// Keeps the elements not marked, in order.
template <typename T>
void removeMarked(std::vector<T>& objects, const std::vector<bool>& drop) {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        if (drop[i]) continue;
        if (kept != i) objects[kept] = std::move(objects[i]);
        ++kept;
    }
    objects.erase(objects.begin() + static_cast<std::ptrdiff_t>(kept), objects.end());
}

class Repair {
public:
    Repair(Model& model, RepairReport& report) : model_(model), report_(report) {}

    void run() {
        addThisNode();
        dropDuplicateObjects();
        dropServicesWithTakenValues();
        dropSlicesOfMissingServices();
        repairPods();
        repairEndpoints();
        // Last, so no stand-in is added for an object dropped above.
        addMissingNamespaces();
    }

private:
    void note(std::string line) {
        if (report_.notes.size() < kMaxRepairNotes) {
            report_.notes.push_back(std::move(line));
            return;
        }
        std::string more = "and " + std::to_string(++notesLeftOut_) + " more repairs";
        if (notesLeftOut_ == 1)
            report_.notes.push_back(std::move(more));
        else
            report_.notes.back() = std::move(more);
    }
    void dropped(const std::string& object, const std::string& why) {
        ++report_.dropped;
        note(object + ": " + why + ", dropped");
    }
    void cleared(const std::string& object, const std::string& why, const std::string& what) {
        ++report_.cleared;
        note(object + ": " + why + ", " + what + " cleared");
    }

    // The snapshot names this node among its nodes. Our own Node may be
    // missing for a moment (registration, a relist in flight); the node
    // still forwards for its pods, so it stands in with only its name.
    void addThisNode() {
        if (model_.node.empty() || model_.thisNode()) return;
        Node self;
        self.name = model_.node;
        model_.nodes.push_back(std::move(self));
        ++report_.added;
        note("Node " + model_.node + ": this node is not listed, added with its name only");
    }

    // One object per kind and name. The API server has one; a builder that
    // appended an update instead of replacing would list two, and the later
    // is the newer.
    template <typename T, typename Key>
    void keepLastOfEach(std::vector<T>& objects, const char* kind, Key key) {
        std::unordered_set<std::string> seen;
        seen.reserve(objects.size());
        std::vector<bool> drop(objects.size(), false);
        for (std::size_t i = objects.size(); i-- > 0;) {
            std::string k = key(objects[i]);
            if (seen.insert(k).second) continue;
            drop[i] = true;
            dropped(std::string(kind) + " " + k, "listed again later");
        }
        removeMarked(objects, drop);
    }

    void dropDuplicateObjects() {
        auto named = [](const auto& o) { return o.name; };
        auto namespaced = [](const auto& o) { return qualified(o.namespace_, o.name); };
        keepLastOfEach(model_.nodes, "Node", named);
        keepLastOfEach(model_.namespaces, "Namespace", named);
        keepLastOfEach(model_.pods, "Pod", namespaced);
        keepLastOfEach(model_.services, "Service", namespaced);
        keepLastOfEach(model_.endpointSlices, "EndpointSlice", namespaced);
        keepLastOfEach(model_.networkPolicies, "NetworkPolicy", namespaced);
    }

    // A cluster IP or node port is allocated to a new Service only once the
    // old one is deleted, so of two holders the earlier is a deletion not
    // yet seen: drop it whole. Clearing the value instead would leave a
    // Service the API could not hold (a NodePort without its node port, a
    // headless Service of another type).
    void dropServicesWithTakenValues() {
        std::unordered_set<std::string> taken;
        std::vector<bool> drop(model_.services.size(), false);
        for (std::size_t i = model_.services.size(); i-- > 0;) {
            const Service& s = model_.services[i];
            // Each value as the note names it, which also keeps the two kinds apart.
            std::vector<std::string> values;
            for (const auto& ip : s.clusterIPs) values.push_back("cluster IP " + ip.toString());
            for (const auto& p : s.ports)
                if (p.nodePort != 0)
                    values.push_back("node port " + std::to_string(p.nodePort) + "/" + protocolName(p.protocol));
            for (const auto& v : values) {
                if (!taken.count(v)) continue;
                drop[i] = true;
                dropped(labelOf(s), v + " is held by a later Service");
                break;
            }
            if (!drop[i]) taken.insert(values.begin(), values.end());
        }
        removeMarked(model_.services, drop);
    }

    // A slice without its Service programs nothing (kube-proxy reads slices
    // only through their Service); its Service was deleted, or is not yet
    // listed and brings the slice back with it.
    void dropSlicesOfMissingServices() {
        std::unordered_set<std::string> services;
        services.reserve(model_.services.size());
        for (const auto& s : model_.services) services.insert(qualified(s.namespace_, s.name));
        std::vector<bool> drop(model_.endpointSlices.size(), false);
        for (std::size_t i = 0; i < model_.endpointSlices.size(); ++i) {
            const EndpointSlice& slice = model_.endpointSlices[i];
            std::string service = qualified(slice.namespace_, slice.service);
            if (services.count(service)) continue;
            drop[i] = true;
            dropped(labelOf(slice), "Service " + service + " is not listed");
        }
        removeMarked(model_.endpointSlices, drop);
    }

    std::unordered_set<std::string> nodeNames() const {
        std::unordered_set<std::string> names;
        for (const auto& n : model_.nodes) names.insert(n.name);
        return names;
    }

    void repairPods() {
        const auto nodes = nodeNames();
        for (auto& pod : model_.pods) {
            // A pod outlives its deleted Node until the pod garbage collector
            // runs. Without a nodeName it is still a remote pod, as it was.
            if (!pod.nodeName.empty() && !nodes.count(pod.nodeName)) {
                cleared(labelOf(pod), "node '" + pod.nodeName + "' is not listed", "nodeName");
                pod.nodeName.clear();
            }
            // Only a pod this node runs has an interface the datapath may
            // attach to; a hostNetwork pod has none of its own.
            if (pod.interface && (pod.hostNetwork || pod.nodeName != model_.node)) {
                cleared(labelOf(pod), pod.hostNetwork ? "a hostNetwork pod has no interface of its own"
                                                      : "it does not run on this node",
                        "interface '" + *pod.interface + "'");
                pod.interface.reset();
            }
        }
        releaseTakenInterfaces();
        releaseTakenPodIPs();
    }

    // An interface name of a pod gone is reused by its successor (a
    // StatefulSet pod of the same name hashes to the same veth): a pod that
    // is not terminating has it first, then the later pod.
    void releaseTakenInterfaces() {
        std::unordered_set<std::string> taken;
        for (bool terminating : {false, true}) {
            for (std::size_t i = model_.pods.size(); i-- > 0;) {
                Pod& pod = model_.pods[i];
                if (!pod.interface || pod.deleting != terminating) continue;
                if (taken.insert(*pod.interface).second) continue;
                cleared(labelOf(pod),
                        "interface '" + *pod.interface +
                            (terminating ? "' is held by a pod that is not terminating" : "' is held by a later pod"),
                        "interface");
                pod.interface.reset();
            }
        }
    }

    // IPAM hands an IP to a new pod only after the old one released it: the
    // old pod finished (k8sjson already leaves a Succeeded or Failed pod
    // without IPs) or is terminating. A pod that is not terminating holds
    // the IP first, then the later pod; the other is kept without it, so its
    // labels and its endpoints' targetRefs stay. Leaving both would put the
    // IP into both pods' policy sets.
    void releaseTakenPodIPs() {
        std::unordered_set<std::string> taken;
        for (bool terminating : {false, true}) {
            for (std::size_t i = model_.pods.size(); i-- > 0;) {
                Pod& pod = model_.pods[i];
                // hostNetwork pods share their node's IPs and claim none.
                if (pod.hostNetwork || pod.deleting != terminating) continue;
                std::vector<IpAddress> kept;
                for (const auto& ip : pod.podIPs) {
                    if (taken.insert(ip.toString()).second) {
                        kept.push_back(ip);
                        continue;
                    }
                    cleared(labelOf(pod),
                            ip.toString() + (terminating ? " is the IP of a pod that is not terminating"
                                                         : " is the IP of a later pod"),
                            "IP");
                }
                pod.podIPs = std::move(kept);
            }
        }
    }

    void repairEndpoints() {
        const auto nodes = nodeNames();
        std::unordered_set<std::string> pods;
        pods.reserve(model_.pods.size());
        for (const auto& p : model_.pods) pods.insert(qualified(p.namespace_, p.name));
        for (auto& slice : model_.endpointSlices) {
            for (std::size_t i = 0; i < slice.endpoints.size(); ++i) {
                Endpoint& e = slice.endpoints[i];
                std::string where = labelOf(slice) + " endpoints[" + std::to_string(i) + "]";
                // An endpoint on a node not listed is not local; without a
                // nodeName it is not local either.
                if (!e.nodeName.empty() && !nodes.count(e.nodeName)) {
                    cleared(where, "node '" + e.nodeName + "' is not listed", "nodeName");
                    e.nodeName.clear();
                }
                // The EndpointSlice controller decides which addresses serve;
                // a pod already gone only leaves the reference dangling, and
                // the address keeps its traffic until the slice changes.
                if (!e.targetRef || e.targetRef->kind != "Pod") continue;
                // An empty namespace in an ObjectReference means the slice's.
                const std::string& ns = e.targetRef->namespace_.empty() ? slice.namespace_ : e.targetRef->namespace_;
                std::string pod = qualified(ns, e.targetRef->name);
                if (pods.count(pod)) continue;
                cleared(where, "Pod " + pod + " is not listed", "targetRef");
                e.targetRef.reset();
            }
        }
    }

    // Listing namespaces is optional in a snapshot, but once any are listed
    // every namespaced object's must be. A namespace is listed late (the
    // watch lags) or deleted while its objects are cleaned up; in both its
    // objects still forward, so it stands in with the name label every
    // namespace carries.
    void addMissingNamespaces() {
        if (model_.namespaces.empty()) return;
        std::unordered_set<std::string> listed;
        for (const auto& n : model_.namespaces) listed.insert(n.name);
        auto need = [&](const std::string& ns, const std::string& object) {
            if (!listed.insert(ns).second) return;
            Namespace stand;
            stand.name = ns;
            stand.labels = {{kNamespaceNameLabel, ns}};
            model_.namespaces.push_back(std::move(stand));
            ++report_.added;
            note("Namespace " + ns + ": not listed but holds " + object + ", added with its name label only");
        };
        for (const auto& o : model_.pods) need(o.namespace_, labelOf(o));
        for (const auto& o : model_.services) need(o.namespace_, labelOf(o));
        for (const auto& o : model_.endpointSlices) need(o.namespace_, labelOf(o));
        for (const auto& o : model_.networkPolicies) need(o.namespace_, labelOf("NetworkPolicy", o.namespace_, o.name));
    }

    Model& model_;
    RepairReport& report_;
    std::size_t notesLeftOut_ = 0;
};

}  // namespace

RepairReport repairLiveModel(Model& model) {
    RepairReport report;
    Repair(model, report).run();
    return report;
}

}  // namespace nodeplane::state
