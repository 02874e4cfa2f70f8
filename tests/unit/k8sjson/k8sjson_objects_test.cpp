#include <CppUTest/TestHarness.h>

#include "k8sjson/k8sjson.h"

using namespace nodeplane;

namespace {

k8sjson::Parsed parse(const char* text) { return k8sjson::parseText(text, "in.json"); }

}  // namespace

TEST_GROUP(K8sJsonObjects){};

TEST(K8sJsonObjects, EndpointSliceConditionsFollowNilRules) {
    auto p = parse(R"({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
      "metadata": {"namespace": "ns1", "name": "svc1-1", "labels": {"kubernetes.io/service-name": "svc1"}},
      "addressType": "IPv6",
      "ports": [{"name": "http", "port": 8080}, {"protocol": "UDP"}],
      "endpoints": [
        {"addresses": ["fd00::1"], "conditions": {}, "nodeName": "n1", "zone": "a",
         "hints": {"forZones": [{"name": "a"}, {"name": "b"}]},
         "targetRef": {"kind": "Pod", "namespace": "ns1", "name": "p1"}},
        {"addresses": ["fd00::2"], "conditions": {"ready": false}},
        {"addresses": ["fd00::3"], "conditions": {"ready": false, "serving": true, "terminating": true}}]})");
    STRCMP_EQUAL("", formatInputErrors(p.errors).c_str());
    const auto& s = p.objects.endpointSlices.at(0);
    STRCMP_EQUAL("svc1", s.service.c_str());
    CHECK(s.addressType == state::AddressType::IPv6);
    LONGS_EQUAL(8080, s.ports[0].port);
    STRCMP_EQUAL("", s.ports[1].name.c_str());
    LONGS_EQUAL(0, s.ports[1].port);  // nil port: kube-proxy ignores the port
    CHECK(s.ports[1].protocol == state::Protocol::UDP);
    const auto& e = s.endpoints;
    CHECK(e[0].conditions == (state::EndpointConditions{true, true, false}));
    CHECK(e[1].conditions == (state::EndpointConditions{false, false, false}));  // serving takes ready
    CHECK(e[2].conditions == (state::EndpointConditions{false, true, true}));
    STRCMP_EQUAL("n1", e[0].nodeName.c_str());
    STRCMP_EQUAL("a", e[0].zone.c_str());
    LONGS_EQUAL(2, e[0].hintsForZones.size());
    STRCMP_EQUAL("p1", e[0].targetRef->name.c_str());
    CHECK_FALSE(e[1].targetRef.has_value());
}

TEST(K8sJsonObjects, EndpointSliceErrors) {
    auto p = parse(R"({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
      "metadata": {"namespace": "ns1", "name": "s"}, "addressType": "IPv4",
      "endpoints": [{"addresses": ["fd00::1"]}, {"conditions": {"ready": "yes"}}]})");
    STRCMP_EQUAL(
        "in.json: EndpointSlice ns1/s: key 'metadata.labels': has no 'kubernetes.io/service-name' label naming the "
        "slice's Service\n"
        "in.json: EndpointSlice ns1/s: key 'endpoints[0].addresses[0]': 'fd00::1' is not of the slice's addressType\n"
        "in.json: EndpointSlice ns1/s: key 'endpoints[1].addresses': is required\n"
        "in.json: EndpointSlice ns1/s: key 'endpoints[1].conditions.ready': expected a boolean, got a string",
        formatInputErrors(p.errors).c_str());
}

TEST(K8sJsonObjects, ListOfNodesNamespacesPodsAndPolicies) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "List", "items": [
      {"apiVersion": "v1", "kind": "Node",
       "metadata": {"name": "n1", "labels": {"topology.kubernetes.io/zone": "a"},
                    "deletionTimestamp": "2026-01-01T00:00:00Z"},
       "spec": {"podCIDRs": ["10.200.1.0/24", "fd00:200:1::/64"], "unschedulable": true,
                "taints": [{"key": "ToBeDeletedByClusterAutoscaler", "value": "1", "effect": "NoSchedule"}]},
       "status": {"addresses": [{"type": "Hostname", "address": "n1"}, {"type": "ExternalIP", "address": "203.0.113.1"},
                                {"type": "InternalIP", "address": "192.168.0.2"}]}},
      {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "labels": {"ns": "x"}}},
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "x", "name": "a", "labels": {"pod": "a"}},
       "spec": {"nodeName": "n1", "containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 80}]},
                                                 {"name": "d", "ports": [{"containerPort": 53, "protocol": "UDP"}]}]},
       "status": {"podIP": "10.200.1.10", "podIPs": [{"ip": "10.200.1.10"}, {"ip": "fd00:200:1::10"}]}},
      {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"namespace": "x", "name": "p"},
       "spec": {"podSelector": {"matchLabels": {"pod": "a"}},
                "ingress": [{"from": [{"namespaceSelector": {"matchExpressions":
                                           [{"key": "ns", "operator": "In", "values": ["y"]}]},
                                       "podSelector": {}},
                                      {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                             "ports": [{"port": "http"}, {"protocol": "UDP", "port": 1000, "endPort": 2000}]}],
                "egress": [{}]}}]})");
    STRCMP_EQUAL("", formatInputErrors(p.errors).c_str());
    const auto& n = p.objects.nodes.at(0);
    CHECK(n.deleting);
    CHECK(n.unschedulable);
    STRCMP_EQUAL("192.168.0.2", n.addresses.at(0).toString().c_str());  // InternalIP first
    STRCMP_EQUAL("203.0.113.1", n.addresses.at(1).toString().c_str());
    LONGS_EQUAL(2, n.podCIDRs.size());
    STRCMP_EQUAL("ToBeDeletedByClusterAutoscaler", n.taints.at(0).key.c_str());
    STRCMP_EQUAL("x", p.objects.namespaces.at(0).labels.at("ns").c_str());
    const auto& pod = p.objects.pods.at(0);
    LONGS_EQUAL(2, pod.podIPs.size());
    LONGS_EQUAL(2, pod.ports.size());
    CHECK(pod.ports[1].protocol == state::Protocol::UDP);
    CHECK_FALSE(pod.interface.has_value());
    const auto& pol = p.objects.networkPolicies.at(0);
    LONGS_EQUAL(2, pol.policyTypes.size());  // Egress defaulted in: egress rules exist
    CHECK(pol.policyTypes[1] == state::PolicyType::Egress);
    const auto& rule = pol.ingress.at(0);
    CHECK(rule.peers[0].namespaceSelector->matchExpressions[0].op == state::SelectorOperator::In);
    CHECK(rule.peers[0].podSelector->matchLabels.empty());
    STRCMP_EQUAL("10.1.0.0/16", rule.peers[1].ipBlock->except[0].toString().c_str());
    STRCMP_EQUAL("http", std::get<std::string>(*rule.ports[0].port).c_str());
    LONGS_EQUAL(2000, *rule.ports[1].endPort);
    CHECK(pol.egress.at(0).peers.empty());

    state::Model m;
    k8sjson::appendTo(m, p.objects);
    LONGS_EQUAL(1, m.nodes.size());
    LONGS_EQUAL(1, m.networkPolicies.size());
}

TEST(K8sJsonObjects, UnsupportedKindsAndBadDocuments) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "ServiceList", "items": [
      {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}},
      {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ok"}, "spec": {"ports": [{"port": 80}]}},
      {"kind": "Service"}]})");
    STRCMP_EQUAL("in.json: key 'items[0].kind': 'apps/v1 Deployment' is not a kind nodeplane reads\n"
                 "in.json: key 'items[2].apiVersion': is required",
                 formatInputErrors(p.errors).c_str());
    LONGS_EQUAL(1, p.objects.services.size());

    auto bad = parse("{\"kind\": ");
    CHECK_FALSE(bad.ok());
    CHECK(bad.errors[0].message.find("not valid JSON at byte") == 0);
    CHECK_FALSE(parse("[]").ok());
}

TEST(K8sJsonObjects, PolicyErrors) {
    auto p = parse(R"({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
      "metadata": {"namespace": "x", "name": "p"},
      "spec": {"podSelector": {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["b"]}]},
               "policyTypes": ["Sideways"],
               "ingress": [{"ports": [{"port": "http", "endPort": 90}]}]}})");
    STRCMP_EQUAL(
        "in.json: NetworkPolicy x/p: key 'spec.podSelector.matchExpressions[0].values': must be empty for Exists and "
        "DoesNotExist\n"
        "in.json: NetworkPolicy x/p: key 'spec.ingress[0].ports[0].endPort': needs a numeric port\n"
        "in.json: NetworkPolicy x/p: key 'spec.policyTypes[0]': unknown policy type 'Sideways', expected Ingress or "
        "Egress",
        formatInputErrors(p.errors).c_str());
}

TEST(K8sJsonObjects, AWrongShapeIsReportedOnce) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": "ClusterIP"})");
    STRCMP_EQUAL("in.json: Service default/s: key 'spec': expected an object, got a string",
                 formatInputErrors(p.errors).c_str());
}

TEST(K8sJsonObjects, PodOwnerReferencesKeepKindNameAndController) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"namespace": "shop", "name": "web-7d4b9c-x2x9z",
        "ownerReferences": [
          {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c", "uid": "0b6c", "controller": true,
           "blockOwnerDeletion": true},
          {"apiVersion": "v1", "kind": "ConfigMap", "name": "extra", "uid": "77aa"},
          {"apiVersion": "v1", "kind": "Secret", "name": "other", "controller": false}]},
      "spec": {"nodeName": "n1"}})");
    STRCMP_EQUAL("", formatInputErrors(p.errors).c_str());
    LONGS_EQUAL(1, p.objects.pods.size());
    std::vector<state::OwnerReference> expected = {
        {"ReplicaSet", "web-7d4b9c", true}, {"ConfigMap", "extra", std::nullopt}, {"Secret", "other", false}};
    CHECK(p.objects.pods[0].ownerReferences == expected);

    auto none = parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "shop", "name": "p"}})");
    CHECK(none.ok());
    CHECK(none.objects.pods[0].ownerReferences.empty());
}

TEST(K8sJsonObjects, APodWithADeletionTimestampIsTerminatingAndKeepsItsIP) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"namespace": "shop", "name": "web-1", "deletionTimestamp": "2026-11-29T05:00:00Z"},
      "spec": {"nodeName": "n1"}, "status": {"phase": "Running", "podIP": "10.0.0.7"}})");
    STRCMP_EQUAL("", formatInputErrors(p.errors).c_str());
    CHECK_TRUE(p.objects.pods.at(0).deleting);
    LONGS_EQUAL(1, p.objects.pods[0].podIPs.size());
    auto live = parse(R"({"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "shop", "name": "p"}})");
    CHECK_FALSE(live.objects.pods.at(0).deleting);
}

TEST(K8sJsonObjects, PodOwnerReferenceErrorsNameThePath) {
    auto p = parse(R"({"apiVersion": "v1", "kind": "Pod",
      "metadata": {"namespace": "shop", "name": "p",
        "ownerReferences": [{"kind": "ReplicaSet"}, {"kind": "Job", "name": "j", "controller": "yes"}]}})");
    STRCMP_EQUAL("in.json: Pod shop/p: key 'metadata.ownerReferences[0].name': is required\n"
                 "in.json: Pod shop/p: key 'metadata.ownerReferences[1].controller': expected a boolean, got a string",
                 formatInputErrors(p.errors).c_str());
    CHECK(p.objects.pods.empty());
}
