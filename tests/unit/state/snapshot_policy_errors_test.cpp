// Bad NetworkPolicies (one error each, asserted whole), and a snapshot with
// many errors: all of them come back, in file order.
#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::checkOneError;

TEST_GROUP(SnapshotPolicyErrors){};

TEST(SnapshotPolicyErrors, ExceptWithHostBits) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "[[networkPolicies.ingress]]\n"
                  "[[networkPolicies.ingress.from]]\n"
                  "podSelector = {}\n"
                  "[[networkPolicies.ingress.from]]\n"
                  "ipBlock = { cidr = \"192.168.0.0/16\", except = [\"192.168.99.1/24\"] }\n",
                  "s.toml:13:48: NetworkPolicy shop/p: key 'ingress[0].from[1].ipBlock.except[0]': '192.168.99.1/24' has host bits set; the CIDR is 192.168.99.0/24");
}

TEST(SnapshotPolicyErrors, ExceptOutsideCidr) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "egress = [{ to = [{ ipBlock = { cidr = \"10.0.0.0/8\", except = [\"10.0.0.0/8\"] } }] }]\n",
                  "s.toml:9:64: NetworkPolicy shop/p: key 'egress[0].to[0].ipBlock.except[0]': 10.0.0.0/8 is not a strict subset of cidr 10.0.0.0/8");
}

TEST(SnapshotPolicyErrors, CidrMissing) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "egress = [{ to = [{ ipBlock = { except = [\"10.1.0.0/16\"] } }] }]\n",
                  "s.toml:9:31: NetworkPolicy shop/p: key 'egress[0].to[0].ipBlock.cidr': required");
}

TEST(SnapshotPolicyErrors, UnknownSelectorOperator) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = { matchExpressions = [{ key = \"app\", operator = \"in\", values = [\"web\"] }] }\n",
                  "s.toml:8:63: NetworkPolicy shop/p: key 'podSelector.matchExpressions[0].operator': unknown value 'in'; expected one of In, NotIn, Exists, DoesNotExist");
}

TEST(SnapshotPolicyErrors, InWithoutValues) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = { matchExpressions = [{ key = \"app\", operator = \"In\" }] }\n",
                  "s.toml:8:37: NetworkPolicy shop/p: key 'podSelector.matchExpressions[0].values': required for operator In");
}

TEST(SnapshotPolicyErrors, NotInWithEmptyValues) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = { matchExpressions = [{ key = \"app\", operator = \"NotIn\", values = [] }] }\n",
                  "s.toml:8:81: NetworkPolicy shop/p: key 'podSelector.matchExpressions[0].values': must not be empty for operator NotIn");
}

TEST(SnapshotPolicyErrors, ExistsWithValues) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = { matchExpressions = [{ key = \"app\", operator = \"Exists\", values = [\"web\"] }] }\n",
                  "s.toml:8:82: NetworkPolicy shop/p: key 'podSelector.matchExpressions[0].values': must be empty for operator Exists");
}

TEST(SnapshotPolicyErrors, MatchLabelsValueNotAString) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = { matchLabels = { app = 1 } }\n",
                  "s.toml:8:39: NetworkPolicy shop/p: key 'podSelector.matchLabels.app': expected a string, got an integer");
}

TEST(SnapshotPolicyErrors, EndPortWithNamedPort) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ ports = [{ port = \"http\", endPort = 90 }] }]\n",
                  "s.toml:9:50: NetworkPolicy shop/p: key 'ingress[0].ports[0].endPort': requires a numeric port, not a port name");
}

TEST(SnapshotPolicyErrors, EndPortBelowPort) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ ports = [{ port = 80, endPort = 79 }] }]\n",
                  "s.toml:9:46: NetworkPolicy shop/p: key 'ingress[0].ports[0].endPort': 79 is less than port 80");
}

TEST(SnapshotPolicyErrors, EndPortWithoutPort) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ ports = [{ endPort = 90 }] }]\n",
                  "s.toml:9:35: NetworkPolicy shop/p: key 'ingress[0].ports[0].endPort': requires a port");
}

TEST(SnapshotPolicyErrors, UnknownPolicyType) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "policyTypes = [\"Ingress\", \"egress\"]\n",
                  "s.toml:9:27: NetworkPolicy shop/p: key 'policyTypes[1]': unknown value 'egress'; expected one of Ingress, Egress");
}

TEST(SnapshotPolicyErrors, PolicyTypeTwice) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "policyTypes = [\"Ingress\", \"Ingress\"]\n",
                  "s.toml:9:27: NetworkPolicy shop/p: key 'policyTypes[1]': listed twice");
}

TEST(SnapshotPolicyErrors, EmptyPeer) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ from = [{}] }]\n",
                  "s.toml:9:22: NetworkPolicy shop/p: key 'ingress[0].from[0]': needs podSelector, namespaceSelector or ipBlock");
}

TEST(SnapshotPolicyErrors, IpBlockWithSelector) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ from = [{ podSelector = {}, ipBlock = { cidr = \"10.0.0.0/8\" } }] }]\n",
                  "s.toml:9:52: NetworkPolicy shop/p: key 'ingress[0].from[0].ipBlock': cannot be combined with podSelector or namespaceSelector");
}

TEST(SnapshotPolicyErrors, PodSelectorMissing) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "policyTypes = [\"Ingress\"]\n",
                  "s.toml:5:1: NetworkPolicy shop/p: key 'podSelector': required");
}

TEST(SnapshotPolicyErrors, PeersUnderTheWrongKey) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ to = [{ podSelector = {} }] }]\n",
                  "s.toml:9:14: NetworkPolicy shop/p: key 'ingress[0].to': unknown key");
}

TEST(SnapshotPolicyErrors, PolicyPortNameInvalid) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ ports = [{ port = \"HTTP\" }] }]\n",
                  "s.toml:9:32: NetworkPolicy shop/p: key 'ingress[0].ports[0].port': 'HTTP' is not a valid port name (IANA_SVC_NAME: at most 15 of lowercase letters, digits and '-', at least one letter, no '-' at either end or twice in a row)");
}

TEST(SnapshotPolicyErrors, SelectorLabelKeyInvalid) {
    checkOneError("[[networkPolicies]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"p\"\n"
                  "podSelector = {}\n"
                  "ingress = [{ from = [{ namespaceSelector = { matchExpressions = [{ key = \"team/\", operator = \"Exists\" }] } }] }]\n",
                  "s.toml:9:74: NetworkPolicy shop/p: key 'ingress[0].from[0].namespaceSelector.matchExpressions[0].key': 'team/' is not a valid label key ([prefix/]name: the name at most 63 of letters, digits, '-', '_' and '.', starting and ending with a letter or digit; the prefix a DNS subdomain)");
}

TEST_GROUP(SnapshotManyErrors){};

TEST(SnapshotManyErrors, EveryErrorInFileOrderAndNoModel) {
    auto result = nodeplane::state::test::parse(R"([[pods]]
namespace = "shop"
name = "a"
nodeName = "node-x"
podIP = ["10.0.0.1"]

[[services]]
namespace = "shop"
name = "web"
clusterIPs = ["10.96.0.10"]
ports = [{ port = 80, targetPort = 0 }, { port = 81 }]

[[networkPolicies]]
namespace = "shop"
name = "p"
podSelector = { matchLabels = { app = "web" } }
ingress = [{ from = [{ ipBlock = { cidr = "10.0.0.0/33" } }] }]
)");
    const char* expected[] = {
        "s.toml:8:12: Pod shop/a: key 'nodeName': node 'node-x' is not one of [[nodes]]",
        "s.toml:9:1: Pod shop/a: key 'podIP': unknown key; did you mean 'podIPs'?",
        "s.toml:15:10: Service shop/web: key 'ports[0].name': required when a Service has more than one port",
        "s.toml:15:36: Service shop/web: key 'ports[0].targetPort': 0 is out of range 1-65535",
        "s.toml:15:41: Service shop/web: key 'ports[1].name': required when a Service has more than one port",
        "s.toml:21:43: NetworkPolicy shop/p: key 'ingress[0].from[0].ipBlock.cidr': '10.0.0.0/33' is not a CIDR",
    };
    LONGS_EQUAL_TEXT(6, result.errors.size(), formatInputErrors(result.errors).c_str());
    for (std::size_t i = 0; i < 6; ++i) STRCMP_EQUAL(expected[i], result.errors[i].toString().c_str());
    CHECK_FALSE(result.ok());
    CHECK(result.model == Model{});
    LONGS_EQUAL(1, result.files.size());
}
