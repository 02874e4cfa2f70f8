#include <CppUTest/TestHarness.h>

#include <sstream>

#include "case_test_support.h"
#include "snapshot_render.h"

using namespace nodeplane;
using namespace nodeplane::netpol;
using namespace nodeplane::netpol::testing;
using nlohmann::json;

namespace {

PodIps ips() { return {{"x/a", *IpAddress::parse("10.244.1.10")}, {"y/a", *IpAddress::parse("10.244.2.10")}}; }

std::string policyToml(const json& policy) {
    auto r = networkPolicyToml(policy, ips(), "NetworkPolicy x/p");
    return r ? *r : "error: " + r.error().message;
}

std::vector<PodPlacement> placements(const char* text) {
    std::istringstream in(text);
    return readPlacements(in, "placement").value();
}

}  // namespace

TEST_GROUP(PolicyToml){};

TEST(PolicyToml, SpecFieldsConvertMemberForMember) {
    json policy = tinyPolicy("x", "p", R"j({"podSelector": {"matchLabels": {"pod": "a"}}, "policyTypes": ["Ingress", "Egress"],
        "ingress": [{"from": [{"namespaceSelector": {"matchExpressions": [{"key": "ns", "operator": "NotIn", "values": ["x"]}]},
                               "podSelector": {"matchLabels": {"pod": "b"}}}], "ports": [{"port": "serve-81-tcp"}]}],
        "egress": [{"to": [{"ipBlock": {"cidr": "net4(podIP(y/a))", "except": ["podIP(y/a)/32"]}}]}]})j");
    policy["metadata"]["labels"] = {{"ignored", "yes"}};
    STRCMP_EQUAL("\n[[networkPolicies]]\nnamespace = \"x\"\nname = \"p\"\n"
                 "podSelector = { matchLabels = { pod = \"a\" } }\n"
                 "policyTypes = [\"Ingress\", \"Egress\"]\n"
                 "ingress = [{ from = [{ namespaceSelector = { matchExpressions = [{ key = \"ns\", operator = \"NotIn\", "
                 "values = [\"x\"] }] }, podSelector = { matchLabels = { pod = \"b\" } } }], ports = [{ port = \"serve-81-tcp\" }] }]\n"
                 "egress = [{ to = [{ ipBlock = { cidr = \"0.0.0.0/4\", except = [\"10.244.2.10/32\"] } }] }]\n",
                 policyToml(policy).c_str());
}

TEST(PolicyToml, IsolationWithNoRulesStaysAnEmptyList) {
    STRCMP_EQUAL("\n[[networkPolicies]]\nnamespace = \"x\"\nname = \"p\"\npodSelector = {}\npolicyTypes = [\"Ingress\"]\ningress = []\n",
                 policyToml(tinyPolicy("x", "p", R"({"podSelector": {}, "ingress": [], "policyTypes": ["Ingress"]})")).c_str());
}

TEST(PolicyToml, WhatTheSnapshotCannotCarryIsAnError) {
    STRCMP_EQUAL("error: NetworkPolicy x/p: spec: somethingNew: not carried by the snapshot",
                 policyToml(tinyPolicy("x", "p", R"({"podSelector": {}, "somethingNew": 1})")).c_str());
    json withStatus = tinyPolicy("x", "p", R"({"podSelector": {}})");
    withStatus["status"] = json::object();
    STRCMP_EQUAL("error: NetworkPolicy x/p: status: not carried by the snapshot", policyToml(withStatus).c_str());
    json withUid = tinyPolicy("x", "p", R"({"podSelector": {}})");
    withUid["metadata"]["uid"] = "1";
    STRCMP_EQUAL("error: NetworkPolicy x/p: metadata: uid: not carried by the snapshot", policyToml(withUid).c_str());
}

TEST(PolicyToml, PlacementLinesAreChecked) {
    std::istringstream bad("x/a 10.244.1.10 node-a 10.96.0.10\n");
    auto r = readPlacements(bad, "pl");
    STRCMP_EQUAL("pl:1: expected '<ns>/<pod> <pod-ip> <node> <cluster-ip> <interface>'", r.error().message.c_str());
    std::istringstream badIp("# comment\n\nx/a 10.244.1.300 node-a 10.96.0.10 np-xa\n");
    r = readPlacements(badIp, "pl");
    STRCMP_EQUAL("pl:3: '10.244.1.300' is not an IP address", r.error().message.c_str());
}

TEST(PolicyToml, OnlyTheNodesOwnPodsGetAnInterface) {
    auto set = readCaseDocuments({tinyDocument(json::array({tinyStep(1, json::array())}))}, {"f"});
    CHECK_TRUE(set.ok());
    CaseState state{set->model.namespaces, set->model.pods, {}};
    auto where = placements("x/a 10.244.1.10 node-a 10.96.0.10 np-xa\ny/a 10.244.2.10 node-b 10.96.0.11 np-ya\n");
    auto r = renderSnapshotObjects({set->cases[0], 1, state, where, "node-b"});
    CHECK_TRUE(r.ok());
    CHECK(r->find("interface = \"np-ya\"") != std::string::npos);
    CHECK(r->find("np-xa") == std::string::npos);
    STRCMP_CONTAINS("[[pods]]\nnamespace = \"x\"\nname = \"a\"\nnodeName = \"node-a\"\npodIPs = [\"10.244.1.10\"]\n"
                    "labels = { pod = \"a\" }\nports = [{ name = \"serve-80-tcp\", containerPort = 80, protocol = \"TCP\" }]\n",
                    r->c_str());
    STRCMP_CONTAINS("[[services]]\nnamespace = \"y\"\nname = \"s-y-a\"\nclusterIPs = [\"10.96.0.11\"]\n"
                    "ports = [{ name = \"service-port-tcp-80\", protocol = \"TCP\", port = 80, targetPort = 80 }]\n",
                    r->c_str());
    STRCMP_CONTAINS("endpoints = [\n  { addresses = [\"10.244.2.10\"], conditions = { ready = true }, nodeName = \"node-b\", "
                    "targetRef = { kind = \"Pod\", namespace = \"y\", name = \"a\" } },\n]\n",
                    r->c_str());
}

TEST(PolicyToml, AMissingPlacementIsNamed) {
    auto set = readCaseDocuments({tinyDocument(json::array({tinyStep(1, json::array())}))}, {"f"});
    CaseState state{set->model.namespaces, set->model.pods, {}};
    auto r = renderSnapshotObjects({set->cases[0], 1, state, placements("x/a 10.244.1.10 node-a 10.96.0.10 np-xa\n"), "node-a"});
    STRCMP_EQUAL("case t-1 step 1: pod y/a has no placement", r.error().message.c_str());
}
