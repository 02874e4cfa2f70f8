#include "k8sjson/readers.h"

namespace nodeplane::k8sjson {

namespace {

state::Taint readTaint(const JsonValue& v) {
    state::Taint t;
    t.key = v["key"].string(true).value_or("");
    t.value = v["value"].string().value_or("");
    t.effect = v["effect"].string(true).value_or("");
    if (!t.effect.empty() && t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute")
        v["effect"].error("unknown taint effect '" + t.effect + "'");
    return t;
}

// status.addresses of type InternalIP first, then ExternalIP; host names and
// DNS names are not addresses the datapath can use.
std::vector<IpAddress> readNodeAddresses(const JsonValue& list) {
    std::vector<IpAddress> internal;
    std::vector<IpAddress> external;
    for (const auto& item : list.items()) {
        auto type = item["type"].string().value_or("");
        if (type != "InternalIP" && type != "ExternalIP") continue;
        auto ip = readIp(item["address"]);
        if (ip) (type == "InternalIP" ? internal : external).push_back(*ip);
    }
    internal.insert(internal.end(), external.begin(), external.end());
    return internal;
}

}  // namespace

void readNode(const JsonValue& root, state::Node& out) {
    JsonValue meta = root["metadata"];
    out.labels = meta["labels"].stringMap();
    out.deleting = meta["deletionTimestamp"].present();
    JsonValue spec = root["spec"];
    out.addresses = readNodeAddresses(root["status"]["addresses"]);
    if (spec["podCIDRs"].present()) {
        out.podCIDRs = readPrefixes(spec["podCIDRs"]);
    } else if (spec["podCIDR"].present()) {
        if (auto p = readPrefix(spec["podCIDR"])) out.podCIDRs.push_back(*p);
    }
    for (const auto& t : spec["taints"].items()) out.taints.push_back(readTaint(t));
    out.unschedulable = spec["unschedulable"].boolean().value_or(false);
}

void readNamespace(const JsonValue& root, state::Namespace& out) {
    out.labels = root["metadata"]["labels"].stringMap();
    out.annotations = root["metadata"]["annotations"].stringMap();
}

void readPod(const JsonValue& root, state::Pod& out) {
    JsonValue meta = root["metadata"];
    out.labels = meta["labels"].stringMap();
    out.annotations = meta["annotations"].stringMap();
    out.deleting = meta["deletionTimestamp"].present();
    // Only what names the pod's workload; uid, apiVersion and the like are
    // not part of the model.
    for (const auto& v : meta["ownerReferences"].items()) {
        state::OwnerReference owner;
        owner.kind = v["kind"].string(true).value_or("");
        owner.name = v["name"].string(true).value_or("");
        owner.controller = v["controller"].boolean();
        out.ownerReferences.push_back(std::move(owner));
    }
    JsonValue spec = root["spec"];
    out.nodeName = spec["nodeName"].string().value_or("");
    out.hostNetwork = spec["hostNetwork"].boolean().value_or(false);
    for (const auto& container : spec["containers"].items()) {
        for (const auto& v : container["ports"].items()) {
            state::ContainerPort port;
            port.name = v["name"].string().value_or("");
            port.protocol = readProtocol(v["protocol"]);
            if (auto n = readPort(v["containerPort"], true)) port.containerPort = *n;
            out.ports.push_back(std::move(port));
        }
    }
    JsonValue status = root["status"];
    // A finished pod keeps status.podIPs, but its sandbox is gone and the
    // CNI has released the IPs for reuse: left in, a new pod's IP would read
    // as this one's too (in policy sets, for the snapshot's unique pod IPs).
    // kube-proxy and the EndpointSlice controller ignore such pods alike.
    auto phase = status["phase"].string();
    if (phase && (*phase == "Succeeded" || *phase == "Failed")) return;
    if (status["podIPs"].present()) {
        for (const auto& item : status["podIPs"].items())
            if (auto ip = readIp(item["ip"])) out.podIPs.push_back(*ip);
    } else if (status["podIP"].present()) {
        if (auto ip = readIp(status["podIP"])) out.podIPs.push_back(*ip);
    }
}

}  // namespace nodeplane::k8sjson
