// [[pods]]: every pod whose IP or labels this node needs, local or not.
#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {

using config::checkedString;

void readPod(TableReader& r, ParsedSnapshot& out) {
    Pod pod;
    pod.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "Pod", Scope::Namespaced, config::checkDnsSubdomain, out);
    pod.labels = readLabels(r, "labels");
    pod.annotations = readAnnotations(r, "annotations");
    pod.hostNetwork = r.boolean("hostNetwork").value_or(false);

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
