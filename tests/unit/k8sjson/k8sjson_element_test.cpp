// k8sjson on documents already parsed with simdjson: watch events' objects,
// objects of a known kind, and a large typed list parsed in place.
#include <CppUTest/TestHarness.h>

#include <string>

#include "k8sjson/element.h"

using namespace nodeplane;

namespace {

std::string errorsOf(const k8sjson::Parsed& p) { return formatInputErrors(p.errors); }

// A PodList as the API server sends it: items without kind or apiVersion.
std::string generatedPodList(int pods) {
    std::string text = R"({"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"77001"},"items":[)";
    for (int i = 0; i < pods; ++i) {
        std::string n = std::to_string(i);
        std::string ip = "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) + "." +
                         std::to_string(i % 256);
        if (i > 0) text += ",";
        text += R"({"metadata":{"namespace":"ns)" + std::to_string(i % 50) + R"(","name":"pod-)" + n +
                R"(","uid":"u)" + n + R"(","labels":{"app":"app)" + std::to_string(i % 100) +
                R"("},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs)" +
                std::to_string(i % 100) + R"(","controller":true}]},"spec":{"nodeName":"node-)" +
                std::to_string(i % 20) + R"(","containers":[{"name":"c","ports":[{"name":"http","containerPort":)" +
                std::to_string(8000 + i % 1000) + R"(}]}]},"status":{"phase":"Running","podIP":")" + ip +
                R"(","podIPs":[{"ip":")" + ip + R"("}]}})";
    }
    return text + "]}";
}

}  // namespace

TEST_GROUP(K8sJsonElement) {
    simdjson::dom::parser parser;

    simdjson::dom::element parse(const std::string& text) {
        simdjson::dom::element root;
        CHECK(parser.parse(text).get(root) == simdjson::SUCCESS);
        return root;
    }
};

TEST(K8sJsonElement, AWatchEventsObject) {
    auto event = parse(R"({"type": "ADDED", "object": {"kind": "Service", "apiVersion": "v1",
      "metadata": {"namespace": "a", "name": "web", "resourceVersion": "12"},
      "spec": {"clusterIP": "10.96.0.10", "ports": [{"port": 80}]}}})");
    auto p = k8sjson::parseElement(event["object"].value_unsafe(), "watch services");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.services.size());
    STRCMP_EQUAL("10.96.0.10", p.objects.services[0].clusterIPs.at(0).toString().c_str());
    STRCMP_EQUAL("watch services", p.objects.services[0].where.file.c_str());
    CHECK(p.list == k8sjson::ListMeta{});
}

TEST(K8sJsonElement, AnElementThatIsNoObject) {
    auto p = k8sjson::parseElement(parse("[1]"), "w");
    STRCMP_EQUAL("w: expected a Kubernetes object or List", errorsOf(p).c_str());
    auto as = k8sjson::parseElementAs(parse("\"x\""), k8sjson::Kind::Pod, "w");
    STRCMP_EQUAL("w: expected a Kubernetes Pod", errorsOf(as).c_str());
}

TEST(K8sJsonElement, AKnownKindNeedsNoKindFields) {
    auto p = k8sjson::parseElementAs(parse(R"({"metadata": {"name": "n1"}, "spec": {"podCIDR": "10.1.0.0/24"}})"),
                                     k8sjson::Kind::Node, "w");
    STRCMP_EQUAL("", errorsOf(p).c_str());
    LONGS_EQUAL(1, p.objects.nodes.size());
    STRCMP_EQUAL("10.1.0.0/24", p.objects.nodes[0].podCIDRs.at(0).toString().c_str());

    auto slice = k8sjson::parseElementAs(
        parse(R"({"apiVersion": "discovery.k8s.io/v1", "metadata": {"namespace": "a", "name": "s-1",
          "labels": {"kubernetes.io/service-name": "s"}}, "addressType": "IPv6"})"),
        k8sjson::Kind::EndpointSlice, "w");
    STRCMP_EQUAL("", errorsOf(slice).c_str());
    CHECK(slice.objects.endpointSlices.at(0).addressType == state::AddressType::IPv6);
}

TEST(K8sJsonElement, AKnownKindRefusesOtherKindFields) {
    auto p = k8sjson::parseElementAs(
        parse(R"({"kind": "Service", "apiVersion": "apps/v1", "metadata": {"namespace": "a", "name": "p"}})"),
        k8sjson::Kind::Pod, "w");
    STRCMP_EQUAL("w: key 'kind': 'Service' does not match the expected kind 'Pod'\n"
                 "w: key 'apiVersion': 'apps/v1' does not match the expected apiVersion 'v1'",
                 errorsOf(p).c_str());
    CHECK(p.objects.pods.empty());
    CHECK(p.objects.services.empty());

    auto typed = k8sjson::parseElementAs(parse(R"({"kind": 3, "metadata": {"name": "x"}})"),
                                         k8sjson::Kind::Namespace, "w");
    STRCMP_EQUAL("w: key 'kind': expected a string, got a number", errorsOf(typed).c_str());
}

TEST(K8sJsonElement, ErrorsOfAKnownKindNameTheObject) {
    auto p = k8sjson::parseElementAs(parse(R"({"metadata": {"namespace": "a", "name": "p"},
      "status": {"podIP": "10.0.0.300"}})"),
                                     k8sjson::Kind::Pod, "w");
    STRCMP_EQUAL("w: Pod a/p: key 'status.podIP': '10.0.0.300' is not an IP address", errorsOf(p).c_str());
}

TEST(K8sJsonElement, KindNamesAndApiVersions) {
    STRCMP_EQUAL("EndpointSlice", std::string(k8sjson::kindName(k8sjson::Kind::EndpointSlice)).c_str());
    STRCMP_EQUAL("discovery.k8s.io/v1", std::string(k8sjson::apiVersionOf(k8sjson::Kind::EndpointSlice)).c_str());
    STRCMP_EQUAL("networking.k8s.io/v1", std::string(k8sjson::apiVersionOf(k8sjson::Kind::NetworkPolicy)).c_str());
    STRCMP_EQUAL("v1", std::string(k8sjson::apiVersionOf(k8sjson::Kind::Pod)).c_str());
}

TEST(K8sJsonElement, AGeneratedPodListParsedInPlace) {
    constexpr int kPods = 5000;
    std::string text = generatedPodList(kPods);
    // The caller's buffer carries simdjson's padding, so nothing is copied.
    std::string buffer = text;
    buffer.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    simdjson::padded_string_view view(buffer.data(), buffer.size(), buffer.capacity());
    for (int round = 0; round < 2; ++round) {  // the parser's buffers are reused
        auto p = k8sjson::parsePadded(view, parser, "pods");
        STRCMP_EQUAL("", errorsOf(p).c_str());
        LONGS_EQUAL(kPods, p.objects.pods.size());
        STRCMP_EQUAL("77001", p.list.resourceVersion.c_str());
        for (int i : {0, 1, 257, 4999}) {
            const auto& pod = p.objects.pods[static_cast<std::size_t>(i)];
            STRCMP_EQUAL(("pod-" + std::to_string(i)).c_str(), pod.name.c_str());
            STRCMP_EQUAL(("ns" + std::to_string(i % 50)).c_str(), pod.namespace_.c_str());
            STRCMP_EQUAL(("node-" + std::to_string(i % 20)).c_str(), pod.nodeName.c_str());
            STRCMP_EQUAL(("app" + std::to_string(i % 100)).c_str(), pod.labels.at("app").c_str());
            LONGS_EQUAL(8000 + i % 1000, pod.ports.at(0).containerPort);
            STRCMP_EQUAL(("rs" + std::to_string(i % 100)).c_str(), pod.ownerReferences.at(0).name.c_str());
            LONGS_EQUAL(1, pod.podIPs.size());
        }
        STRCMP_EQUAL("10.0.1.1", p.objects.pods[257].podIPs[0].toString().c_str());
    }
    // parseText reads the same text the same way.
    auto copy = k8sjson::parseText(text, "pods");
    CHECK(copy.objects == k8sjson::parsePadded(view, parser, "pods").objects);
}
