// Lists as the API server sends them: typed lists whose items carry no kind,
// and the list's metadata.
#include <CppUTest/TestHarness.h>

#include "k8sjson/k8sjson.h"

using namespace nodeplane;

namespace {

k8sjson::Parsed parse(const char* text) { return k8sjson::parseText(text, "in.json"); }

std::string errorsOf(const k8sjson::Parsed& p) { return formatInputErrors(p.errors); }

}  // namespace

TEST_GROUP(K8sJsonList){};

TEST(K8sJsonList, TypedListItemsTakeTheListsKind) {
    auto p = parse(R"({"kind": "PodList", "apiVersion": "v1",
      "metadata": {"resourceVersion": "812", "continue": "abc"},
      "items": [
        {"metadata": {"namespace": "a", "name": "p1"}, "spec": {"nodeName": "n1"},
         "status": {"podIP": "10.0.0.1"}},
        {"kind": "Pod", "apiVersion": "v1", "metadata": {"namespace": "a", "name": "p2"}}]})");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(2, p.objects.pods.size());
    STRCMP_EQUAL("p1", p.objects.pods[0].name.c_str());
    STRCMP_EQUAL("n1", p.objects.pods[0].nodeName.c_str());
    STRCMP_EQUAL("10.0.0.1", p.objects.pods[0].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("p2", p.objects.pods[1].name.c_str());
    STRCMP_EQUAL("812", p.list.resourceVersion.c_str());
    STRCMP_EQUAL("abc", p.list.continueToken.c_str());
}

TEST(K8sJsonList, TypedListsOfOtherApiGroups) {
    auto p = parse(R"({"kind": "EndpointSliceList", "apiVersion": "discovery.k8s.io/v1",
      "metadata": {"resourceVersion": "9"},
      "items": [{"metadata": {"namespace": "a", "name": "s-1", "labels": {"kubernetes.io/service-name": "s"}},
                 "addressType": "IPv4", "endpoints": [{"addresses": ["10.0.0.1"]}]}]})");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.endpointSlices.size());
    STRCMP_EQUAL("s", p.objects.endpointSlices[0].service.c_str());
    STRCMP_EQUAL("", p.list.continueToken.c_str());  // the last chunk

    auto policies = parse(R"({"kind": "NetworkPolicyList", "apiVersion": "networking.k8s.io/v1",
      "metadata": {}, "items": [{"metadata": {"namespace": "a", "name": "deny"}, "spec": {"podSelector": {}}}]})");
    STRCMP_EQUAL("", errorsOf(policies).c_str());
    LONGS_EQUAL(1, policies.objects.networkPolicies.size());
}

TEST(K8sJsonList, AnItemOfAnotherKindIsRefused) {
    auto p = parse(R"({"kind": "PodList", "apiVersion": "v1", "items": [
      {"metadata": {"namespace": "a", "name": "p1"}},
      {"kind": "Service", "apiVersion": "v1", "metadata": {"namespace": "a", "name": "s"}},
      {"kind": "Pod", "apiVersion": "discovery.k8s.io/v1", "metadata": {"name": "x"}}]})");
    STRCMP_EQUAL("in.json: key 'items[1].kind': 'v1 Service' does not match the list's kind 'v1 PodList'\n"
                 "in.json: key 'items[2].kind': 'discovery.k8s.io/v1 Pod' is not a kind nodeplane reads",
                 errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.pods.size());
    CHECK(p.objects.services.empty());
}

TEST(K8sJsonList, ItemsOfAListOfAnUnreadKindAreRefused) {
    auto p = parse(R"({"kind": "DeploymentList", "apiVersion": "apps/v1",
      "items": [{"metadata": {"namespace": "a", "name": "d"}}]})");
    STRCMP_EQUAL("in.json: key 'items[0].kind': is required: apps/v1 DeploymentList is not a list of a kind "
                 "nodeplane reads",
                 errorsOf(p).c_str());
}

TEST(K8sJsonList, AGenericListStillNeedsKindsOnItsItems) {
    auto p = parse(R"({"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": ""},
      "items": [{"metadata": {"name": "n1"}}]})");
    STRCMP_EQUAL("in.json: key 'items[0].apiVersion': is required\n"
                 "in.json: key 'items[0].kind': is required",
                 errorsOf(p).c_str());
    CHECK(p.objects.nodes.empty());
}

TEST(K8sJsonList, ErrorsInTypedListItemsNameTheItemAndPath) {
    auto p = parse(R"({"kind": "ServiceList", "apiVersion": "v1", "items": [
      {"metadata": {"namespace": "a", "name": "ok"}, "spec": {"ports": [{"port": 80}]}},
      {"metadata": {"namespace": "a", "name": "bad"}, "spec": {"ports": [{"port": 70000}]}}]})");
    STRCMP_EQUAL("in.json: Service a/bad: key 'items[1].spec.ports[0].port': 70000 is out of range 1-65535",
                 errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.services.size());
}

TEST(K8sJsonList, ListMetaIsEmptyForOneObjectAndTypeChecked) {
    auto one = parse(R"({"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "a", "resourceVersion": "5"}})");
    CHECK(one.ok());
    CHECK(one.list == k8sjson::ListMeta{});

    auto bad = parse(R"({"kind": "NamespaceList", "apiVersion": "v1", "metadata": {"resourceVersion": 5}, "items": []})");
    STRCMP_EQUAL("in.json: key 'metadata.resourceVersion': expected a string, got a number", errorsOf(bad).c_str());
}

TEST(K8sJsonList, SyntaxErrorsNameTheirByteOffset) {
    auto bad = parse(R"({"kind": "Pod", "apiVersion": tru})");
    LONGS_EQUAL(1, bad.errors.size());
    STRCMP_CONTAINS("not valid JSON at byte 30: ", bad.errors[0].message.c_str());
    auto cut = parse(R"({"kind": )");
    STRCMP_CONTAINS("not valid JSON at byte 9: ", cut.errors[0].message.c_str());
    auto trailing = parse(R"({"kind": "Pod"} x)");
    STRCMP_CONTAINS("not valid JSON at byte 16: ", trailing.errors[0].message.c_str());
}

namespace {

// Stands in for nlohmann::json, whose dump() parseJson relies on.
struct DumpsText {
    std::string text;
    std::string dump() const { return text; }
};

}  // namespace

TEST(K8sJsonList, ParseJsonReadsAnythingThatDumpsText) {
    auto p = k8sjson::parseJson(DumpsText{R"({"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"}})"},
                                "fixture");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    STRCMP_EQUAL("n1", p.objects.nodes.at(0).name.c_str());
    STRCMP_EQUAL("fixture", p.objects.nodes.at(0).where.file.c_str());
}

TEST(K8sJsonList, FinishedPodsHoldNoIPs) {
    // The CNI released a finished pod's IP; here a new pod already has it.
    auto p = parse(R"({"kind": "PodList", "apiVersion": "v1", "items": [
      {"metadata": {"namespace": "a", "name": "job-1"}, "status": {"phase": "Succeeded", "podIP": "10.0.0.7"}},
      {"metadata": {"namespace": "a", "name": "job-2"}, "status": {"phase": "Failed", "podIPs": [{"ip": "10.0.0.8"}]}},
      {"metadata": {"namespace": "a", "name": "web"}, "status": {"phase": "Running", "podIP": "10.0.0.7"}},
      {"metadata": {"namespace": "a", "name": "new"}, "status": {"phase": "Pending", "podIP": "10.0.0.9"}}]})");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(4, p.objects.pods.size());
    CHECK(p.objects.pods[0].podIPs.empty());
    CHECK(p.objects.pods[1].podIPs.empty());
    STRCMP_EQUAL("10.0.0.7", p.objects.pods[2].podIPs.at(0).toString().c_str());
    STRCMP_EQUAL("10.0.0.9", p.objects.pods[3].podIPs.at(0).toString().c_str());

    auto bad = parse(R"({"kind": "Pod", "apiVersion": "v1", "metadata": {"namespace": "a", "name": "p"},
      "status": {"phase": 1}})");
    STRCMP_EQUAL("in.json: Pod a/p: key 'status.phase': expected a string, got a number", errorsOf(bad).c_str());
}
