// [[nodes]] and [[namespaces]]: the cluster-scoped kinds.
#include "config/name_syntax.h"
#include "state/field_readers.h"
#include "state/object_readers.h"

namespace nodeplane::state {

using config::checkedString;

void readNode(TableReader& r, ParsedSnapshot& out) {
    Node node;
    node.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "Node", Scope::Cluster, config::checkDnsSubdomain, out);
    node.labels = readLabels(r, "labels");
    if (auto addresses = r.list("addresses", toIp)) node.addresses = std::move(*addresses);
    node.podCIDRs = readPrefixesOnePerFamily(r, "podCIDRs");
    r.forEachTable("taints", [&](TableReader& t, std::size_t) {
        Taint taint;
        taint.key = t.converted("key", checkedString(config::checkQualifiedName), Need::Required).value_or("");
        taint.value = t.converted("value", checkedString(config::checkLabelValue)).value_or("");
        taint.effect = t.oneOf<std::string>("effect",
                                            {{"NoSchedule", "NoSchedule"},
                                             {"PreferNoSchedule", "PreferNoSchedule"},
                                             {"NoExecute", "NoExecute"}},
                                            Need::Required)
                           .value_or("");
        node.taints.push_back(std::move(taint));
    });
    node.unschedulable = r.boolean("unschedulable").value_or(false);
    node.deleting = r.boolean("deleting").value_or(false);
    if (!id) return;
    node.name = id->name;
    out.model.nodes.push_back(std::move(node));
}

void readNamespace(TableReader& r, ParsedSnapshot& out) {
    Namespace ns;
    ns.where = locationOf(r, r.table().source());
    auto id = readIdentity(r, "Namespace", Scope::Cluster, config::checkDnsLabel, out);
    ns.labels = readLabels(r, "labels");
    ns.annotations = readAnnotations(r, "annotations");
    if (!id) return;
    ns.name = id->name;
    out.model.namespaces.push_back(std::move(ns));
}

}  // namespace nodeplane::state
