// [[pods]]: every pod whose IP or labels this node needs, local or not.
#include <algorithm>
#include <string>

#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {

using config::checkedString;

namespace {

// An API kind ("ReplicaSet"): apimachinery only requires one, but a kind is
// always a CamelCase identifier, and anything else is a typo worth naming.
Status checkKind(std::string_view kind) {
    if (kind.empty()) return Error::logical("'' is not a kind: expected a CamelCase name such as ReplicaSet");
    bool word = (kind.front() >= 'A' && kind.front() <= 'Z') &&
                std::all_of(kind.begin(), kind.end(), [](char c) {
                    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                });
    if (!word)
        return Error::logical("'" + std::string(kind) +
                              "' is not a kind: expected a CamelCase name such as ReplicaSet");
    return {};
}

// metadata.ownerReferences: [{kind, name, controller}]. The API server
// allows at most one controller reference per object.
std::vector<OwnerReference> readOwnerReferences(TableReader& r) {
    std::vector<OwnerReference> out;
    bool controllerSeen = false;
    r.forEachTable("ownerReferences", [&](TableReader& o, std::size_t) {
        OwnerReference ref;
        auto kind = o.converted("kind", checkedString(checkKind), Need::Required);
        auto name = o.converted("name", checkedString(config::checkDnsSubdomain), Need::Required);
        ref.controller = o.boolean("controller");
        if (ref.controller.value_or(false)) {
            if (controllerSeen)
                o.error(*o.table().get("controller"), "controller",
                        "a second controller reference; a pod has at most one controller");
            controllerSeen = true;
        }
        if (!kind || !name) return;
        ref.kind = std::move(*kind);
        ref.name = std::move(*name);
        out.push_back(std::move(ref));
    });
    return out;
}

}  // namespace

void readPod(TableReader& r, ParsedSnapshot& out) {
    Pod pod;
    pod.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "Pod", Scope::Namespaced, config::checkDnsSubdomain, out);
    pod.labels = readLabels(r, "labels");
    pod.annotations = readAnnotations(r, "annotations");
    pod.hostNetwork = r.boolean("hostNetwork").value_or(false);
    pod.ownerReferences = readOwnerReferences(r);

    if (auto nodeName = r.converted("nodeName", checkedString(config::checkDnsSubdomain))) {
        pod.nodeName = *nodeName;
        out.references.push_back(
            Reference{Reference::Target::Node, "", pod.nodeName, siteOf(r, *r.table().get("nodeName"), "nodeName")});
    }

    auto podIPs = readIpsOnePerFamily(r, "podIPs");
    pod.podIPs = valuesOf(podIPs);
    // A hostNetwork pod's IPs are its node's, shared with every other
    // hostNetwork pod there: they identify no pod.
    if (id && !pod.hostNetwork)
        for (const auto& ip : podIPs)
            out.claims.push_back(Claim{Claim::Kind::PodIp, ip.value.toString(),
                                       KeySite{locationOf(r, ip.node->source()), r.object(), ip.path}});

    r.forEachTable("ports", [&](TableReader& p, std::size_t) {
        ContainerPort port;
        port.name = p.converted("name", checkedString(config::checkPortName)).value_or("");
        port.containerPort = readPort(p, "containerPort", Need::Required).value_or(0);
        port.protocol = readProtocol(p);
        pod.ports.push_back(std::move(port));
    });

    pod.interface = r.converted("interface", checkedString(config::checkInterfaceName));
    if (pod.interface) {
        KeySite site = siteOf(r, *r.table().get("interface"), "interface");
        if (pod.hostNetwork) {
            r.error(*r.table().get("interface"), "interface",
                    "a hostNetwork pod has no interface of its own; remove the key or hostNetwork");
        } else if (id) {
            out.claims.push_back(Claim{Claim::Kind::Interface, *pod.interface, site});
            // The datapath attaches to the interface only for pods it runs.
            out.references.push_back(Reference{Reference::Target::ThisNode, "", pod.nodeName, site});
        }
    }

    if (!id) return;
    pod.namespace_ = id->namespace_;
    pod.name = id->name;
    out.model.pods.push_back(std::move(pod));
}

}  // namespace nodeplane::state
