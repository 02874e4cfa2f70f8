// Bad snapshots, one error each: every case asserts the whole error (file,
// line, column, object, key and message). Most bodies follow kHead, so the
// body's first line is line 5 of the document.
#include "snapshot_test_support.h"

using namespace nodeplane;
using namespace nodeplane::state;
using nodeplane::state::test::checkOneError;

namespace {

// A whole document (no kHead) must give exactly these errors.
void checkErrors(const std::string& text, std::initializer_list<const char*> expected) {
    auto result = parseSnapshotText(text, "s.toml");
    LONGS_EQUAL_TEXT(expected.size(), result.errors.size(), formatInputErrors(result.errors).c_str());
    std::size_t i = 0;
    for (const char* line : expected) STRCMP_EQUAL(line, result.errors[i++].toString().c_str());
    CHECK(result.model == Model{});
}

}  // namespace

TEST_GROUP(SnapshotErrors){};

TEST(SnapshotErrors, FormatMissing) {
    checkErrors("node = \"node-a\"\n[[nodes]]\nname = \"node-a\"\n", {"s.toml: key 'format': required"});
}

TEST(SnapshotErrors, OtherFormatIsNotReadFurther) {
    checkErrors("format = 2\nnode = \"node-a\"\nwhatever = 1\n",
                {"s.toml:1:10: key 'format': unsupported format 2; this version reads format 1"});
}

TEST(SnapshotErrors, FormatAsString) {
    checkErrors("format = \"1\"\nnode = \"node-a\"\n[[nodes]]\nname = \"node-a\"\n",
                {"s.toml:1:10: key 'format': expected an integer, got a string"});
}

TEST(SnapshotErrors, NodeMissing) {
    checkErrors("format = 1\n[[nodes]]\nname = \"node-a\"\n",
                {"s.toml: key 'node': required: the node this snapshot is applied on"});
}

TEST(SnapshotErrors, NodeNotAmongNodes) {
    checkErrors("format = 1\nnode = \"node-b\"\n[[nodes]]\nname = \"node-a\"\n",
                {"s.toml:2:8: key 'node': 'node-b' is not the name of any [[nodes]] entry"});
}

TEST(SnapshotErrors, ObjectNotATable) {
    checkErrors("format = 1\nnode = \"node-a\"\npods = [\"a\"]\n[[nodes]]\nname = \"node-a\"\n",
                {"s.toml:3:9: key 'pods[0]': expected a table, got a string"});
}

TEST(SnapshotErrors, EmptyDocument) {
    checkErrors("", {"s.toml: key 'format': required", "s.toml: key 'node': required: the node this snapshot is applied on"});
}

TEST(SnapshotErrors, SyntaxErrorAloneIsReported) {
    // Nothing after a syntax error can be trusted, so no other check runs
    // (the missing `node` would otherwise be reported too).
    checkErrors("format = 1\n[[pods]]\nname = \"a\" namespace = \"b\"\n",
                {"s.toml:3:12: Error while parsing key-value pair: expected a comment or whitespace, saw 'n'"});
}

TEST(SnapshotErrors, UnknownTopLevelKey) {
    checkOneError("[[service]]\n"
                  "name = \"x\"\n",
                  "s.toml:5:3: key 'service': unknown key; did you mean 'services'?");
}

TEST(SnapshotErrors, KindGivenAsTable) {
    checkOneError("[services]\n"
                  "name = \"x\"\n",
                  "s.toml:5:1: key 'services': expected an array of tables, got a table");
}

TEST(SnapshotErrors, PodCidrWithHostBits) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "podCIDRs = [\"10.200.2.1/24\"]\n",
                  "s.toml:7:13: Node node-b: key 'podCIDRs[0]': '10.200.2.1/24' has host bits set; the CIDR is 10.200.2.0/24");
}

TEST(SnapshotErrors, TwoPodCidrsOfOneFamily) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "podCIDRs = [\"10.200.2.0/24\", \"10.200.3.0/24\"]\n",
                  "s.toml:7:30: Node node-b: key 'podCIDRs[1]': a second IPv4 entry; at most one of each family is allowed");
}

TEST(SnapshotErrors, NodeAddressNotAnIp) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "addresses = [\"192.168.50.300\"]\n",
                  "s.toml:7:14: Node node-b: key 'addresses[0]': '192.168.50.300' is not an IP address");
}

TEST(SnapshotErrors, UnknownTaintEffect) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "taints = [{ key = \"k\", effect = \"NoScheduel\" }]\n",
                  "s.toml:7:33: Node node-b: key 'taints[0].effect': unknown value 'NoScheduel'; expected one of NoSchedule, PreferNoSchedule, NoExecute");
}

TEST(SnapshotErrors, TaintWithoutKey) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "taints = [{ effect = \"NoSchedule\" }]\n",
                  "s.toml:7:11: Node node-b: key 'taints[0].key': required");
}

TEST(SnapshotErrors, BadLabelKey) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "labels = { \"example.com/a/b\" = \"x\" }\n",
                  "s.toml:7:12: Node node-b: key 'labels.\"example.com/a/b\"': 'example.com/a/b' is not a valid label key ([prefix/]name: the name at most 63 of letters, digits, '-', '_' and '.', starting and ending with a letter or digit; the prefix a DNS subdomain)");
}

TEST(SnapshotErrors, BadLabelValue) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "labels = { zone = \"zone a\" }\n",
                  "s.toml:7:19: Node node-b: key 'labels.zone': 'zone a' is not a valid label value (empty, or at most 63 of letters, digits, '-', '_' and '.', starting and ending with a letter or digit)");
}

TEST(SnapshotErrors, DuplicateNode) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-a\"\n",
                  "s.toml:5:1: Node node-a: defined twice; the first is at s.toml:3:1");
}

TEST(SnapshotErrors, UnschedulableAsString) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "unschedulable = \"true\"\n",
                  "s.toml:7:17: Node node-b: key 'unschedulable': expected a boolean, got a string");
}

TEST(SnapshotErrors, NamespaceNameNotALabel) {
    checkOneError("[[namespaces]]\n"
                  "name = \"Shop\"\n",
                  "s.toml:6:8: namespaces[0]: key 'name': 'Shop' is not a valid DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)");
}

TEST(SnapshotErrors, PodWithoutName) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n",
                  "s.toml:5:1: pods[0]: key 'name': required");
}

TEST(SnapshotErrors, UnknownKeyInInlineTable) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "ports = [{ name = \"http\", containerPort = 8080, protocl = \"TCP\" }]\n",
                  "s.toml:8:49: Pod shop/a: key 'ports[0].protocl': unknown key; did you mean 'protocol'?");
}

TEST(SnapshotErrors, ContainerPortZero) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "ports = [{ containerPort = 0 }]\n",
                  "s.toml:8:28: Pod shop/a: key 'ports[0].containerPort': 0 is out of range 1-65535");
}

TEST(SnapshotErrors, ContainerPortNameNotIana) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "ports = [{ name = \"http--alt\", containerPort = 80 }]\n",
                  "s.toml:8:19: Pod shop/a: key 'ports[0].name': 'http--alt' is not a valid port name (IANA_SVC_NAME: at most 15 of lowercase letters, digits and '-', at least one letter, no '-' at either end or twice in a row)");
}

TEST(SnapshotErrors, PodIpNotAnIp) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "podIPs = [\"10.200.1\"]\n",
                  "s.toml:8:11: Pod shop/a: key 'podIPs[0]': '10.200.1' is not an IP address");
}

TEST(SnapshotErrors, PodIpsAsString) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "podIPs = \"10.200.1.1\"\n",
                  "s.toml:8:10: Pod shop/a: key 'podIPs': expected an array, got a string");
}

TEST(SnapshotErrors, InterfaceNameTooLong) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-a\"\n"
                  "interface = \"np-shop-web-1234\"\n",
                  "s.toml:9:13: Pod shop/a: key 'interface': 'np-shop-web-1234' is not a valid interface name (at most 15 characters, IFNAMSIZ - 1)");
}

TEST(SnapshotErrors, InterfaceNameWithSlash) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-a\"\n"
                  "interface = \"np/a\"\n",
                  "s.toml:9:13: Pod shop/a: key 'interface': 'np/a' is not a valid interface name (no '/', ':' or whitespace)");
}

TEST(SnapshotErrors, InterfaceOnAPodOfAnotherNode) {
    checkOneError("[[nodes]]\n"
                  "name = \"node-b\"\n"
                  "[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-b\"\n"
                  "interface = \"np-a\"\n",
                  "s.toml:11:13: Pod shop/a: key 'interface': only a pod on this node ('node-a') has an interface; its nodeName is 'node-b'");
}

TEST(SnapshotErrors, InterfaceOnAPodWithoutNodeName) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "interface = \"np-a\"\n",
                  "s.toml:8:13: Pod shop/a: key 'interface': only a pod on this node ('node-a') has an interface; this pod has no nodeName");
}

TEST(SnapshotErrors, InterfaceOnAHostNetworkPod) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-a\"\n"
                  "hostNetwork = true\n"
                  "interface = \"np-a\"\n",
                  "s.toml:10:13: Pod shop/a: key 'interface': a hostNetwork pod has no interface of its own; remove the key or hostNetwork");
}

TEST(SnapshotErrors, TwoLocalPodsOnOneInterface) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-a\"\n"
                  "interface = \"np-a\"\n"
                  "[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"b\"\n"
                  "nodeName = \"node-a\"\n"
                  "interface = \"np-a\"\n",
                  "s.toml:14:13: Pod shop/b: key 'interface': 'np-a' is already the interface of Pod shop/a (s.toml:9:13)");
}

TEST(SnapshotErrors, TwoPodsWithOneIp) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "podIPs = [\"10.200.1.10\"]\n"
                  "[[pods]]\n"
                  "namespace = \"other\"\n"
                  "name = \"b\"\n"
                  "podIPs = [\"fd00::1\", \"10.200.1.10\"]\n",
                  "s.toml:12:22: Pod other/b: key 'podIPs[1]': 10.200.1.10 is already the IP of Pod shop/a (s.toml:8:11)");
}

TEST(SnapshotErrors, PodNodeNameUnknown) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "nodeName = \"node-z\"\n",
                  "s.toml:8:12: Pod shop/a: key 'nodeName': node 'node-z' is not one of [[nodes]]");
}

TEST(SnapshotErrors, PodNamespaceNotListed) {
    checkOneError("[[namespaces]]\n"
                  "name = \"shop\"\n"
                  "[[pods]]\n"
                  "namespace = \"shpo\"\n"
                  "name = \"a\"\n",
                  "s.toml:8:13: Pod shpo/a: key 'namespace': namespace 'shpo' is not one of [[namespaces]]");
}

TEST(SnapshotErrors, DuplicatePod) {
    checkOneError("[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n"
                  "[[pods]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"a\"\n",
                  "s.toml:8:1: Pod shop/a: defined twice; the first is at s.toml:5:1");
}

TEST(SnapshotErrors, ServicePortOutOfRange) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 70000 }]\n",
                  "s.toml:9:19: Service shop/web: key 'ports[0].port': 70000 is out of range 1-65535");
}

TEST(SnapshotErrors, ServicePortMissing) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ name = \"http\" }]\n",
                  "s.toml:9:10: Service shop/web: key 'ports[0].port': required");
}

TEST(SnapshotErrors, TargetPortNumberInQuotes) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, targetPort = \"8080\" }]\n",
                  "s.toml:9:36: Service shop/web: key 'ports[0].targetPort': '8080' is not a valid port name (IANA_SVC_NAME: at most 15 of lowercase letters, digits and '-', at least one letter, no '-' at either end or twice in a row); write a port number without quotes");
}

TEST(SnapshotErrors, TargetPortNameTooLong) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, targetPort = \"http-alternative\" }]\n",
                  "s.toml:9:36: Service shop/web: key 'ports[0].targetPort': 'http-alternative' is not a valid port name (IANA_SVC_NAME: at most 15 of lowercase letters, digits and '-', at least one letter, no '-' at either end or twice in a row)");
}

TEST(SnapshotErrors, TargetPortOfWrongType) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, targetPort = 80.0 }]\n",
                  "s.toml:9:36: Service shop/web: key 'ports[0].targetPort': expected a port number or a port name, got a floating-point number");
}

TEST(SnapshotErrors, TargetPortZero) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, targetPort = 0 }]\n",
                  "s.toml:9:36: Service shop/web: key 'ports[0].targetPort': 0 is out of range 1-65535");
}

TEST(SnapshotErrors, UnknownServiceType) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"Loadbalancer\"\n",
                  "s.toml:8:8: Service shop/web: key 'type': unknown value 'Loadbalancer'; expected one of ClusterIP, NodePort, LoadBalancer, ExternalName");
}

TEST(SnapshotErrors, ProtocolIsCaseSensitive) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, protocol = \"tcp\" }]\n",
                  "s.toml:9:34: Service shop/web: key 'ports[0].protocol': unknown value 'tcp'; expected one of TCP, UDP, SCTP");
}

TEST(SnapshotErrors, DuplicateServicePortName) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ name = \"http\", port = 80 }, { name = \"http\", port = 81 }]\n",
                  "s.toml:9:49: Service shop/web: key 'ports[1].name': 'http' is also the name of ports[0]");
}

TEST(SnapshotErrors, DuplicateServicePortNumber) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ name = \"a\", port = 80 }, { name = \"b\", port = 80 }]\n",
                  "s.toml:9:58: Service shop/web: key 'ports[1].port': 80/TCP is also ports[0]");
}

TEST(SnapshotErrors, UnnamedPortOfSeveral) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ name = \"a\", port = 80 }, { port = 81 }]\n",
                  "s.toml:9:37: Service shop/web: key 'ports[1].name': required when a Service has more than one port");
}

TEST(SnapshotErrors, NodePortOnClusterIpService) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, nodePort = 30080 }]\n",
                  "s.toml:9:34: Service shop/web: key 'ports[0].nodePort': only allowed for type NodePort or LoadBalancer");
}

TEST(SnapshotErrors, NodePortServiceWithoutNodePort) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"NodePort\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n",
                  "s.toml:10:10: Service shop/web: key 'ports[0].nodePort': required for type NodePort");
}

TEST(SnapshotErrors, NodePortUsedTwice) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"NodePort\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80, nodePort = 30080 }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"api\"\n"
                  "type = \"NodePort\"\n"
                  "clusterIPs = [\"10.96.0.11\"]\n"
                  "ports = [{ port = 80, nodePort = 30080 }]\n",
                  "s.toml:16:34: Service shop/api: key 'ports[0].nodePort': node port 30080/TCP is already used by Service shop/web (s.toml:10:34)");
}

TEST(SnapshotErrors, AffinityTimeoutOutOfRange) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "sessionAffinity = \"ClientIP\"\n"
                  "sessionAffinityTimeoutSeconds = 86401\n",
                  "s.toml:11:33: Service shop/web: key 'sessionAffinityTimeoutSeconds': 86401 is out of range 1-86400");
}

TEST(SnapshotErrors, AffinityTimeoutWithoutClientIp) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "sessionAffinityTimeoutSeconds = 60\n",
                  "s.toml:10:33: Service shop/web: key 'sessionAffinityTimeoutSeconds': only allowed with sessionAffinity ClientIP");
}

TEST(SnapshotErrors, UnknownTrafficPolicy) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "externalTrafficPolicy = \"Node\"\n",
                  "s.toml:10:25: Service shop/web: key 'externalTrafficPolicy': unknown value 'Node'; expected one of Cluster, Local");
}

TEST(SnapshotErrors, ClusterIpsMissing) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "ports = [{ port = 80 }]\n",
                  "s.toml:5:1: Service shop/web: key 'clusterIPs': required ([\"None\"] for a headless service)");
}

TEST(SnapshotErrors, HeadlessNodePortService) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"NodePort\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:9:14: Service shop/web: key 'clusterIPs': a headless service (\"None\") must have type ClusterIP");
}

TEST(SnapshotErrors, ClusterIpUsedTwice) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"api\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n",
                  "s.toml:13:15: Service shop/api: key 'clusterIPs[0]': 10.96.0.10 is already a cluster IP of Service shop/web (s.toml:8:15)");
}

TEST(SnapshotErrors, ServiceWithoutPorts) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n",
                  "s.toml:5:1: Service shop/web: key 'ports': required");
}

TEST(SnapshotErrors, SourceRangesOnClusterIpService) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "loadBalancerSourceRanges = [\"203.0.113.0/25\"]\n",
                  "s.toml:10:28: Service shop/web: key 'loadBalancerSourceRanges': only allowed for type LoadBalancer");
}

TEST(SnapshotErrors, SourceRangeNotACidr) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"LoadBalancer\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "loadBalancerSourceRanges = [\" 203.0.113.0/25\"]\n",
                  "s.toml:11:29: Service shop/web: key 'loadBalancerSourceRanges[0]': ' 203.0.113.0/25' is not a CIDR");
}

TEST(SnapshotErrors, ExternalNameWithoutName) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"ExternalName\"\n",
                  "s.toml:5:1: Service shop/web: key 'externalName': required");
}

TEST(SnapshotErrors, HealthCheckNodePortOutOfRange) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "type = \"LoadBalancer\"\n"
                  "clusterIPs = [\"10.96.0.10\"]\n"
                  "ports = [{ port = 80 }]\n"
                  "healthCheckNodePort = 0\n",
                  "s.toml:11:23: Service shop/web: key 'healthCheckNodePort': 0 is out of range 1-65535");
}

TEST(SnapshotErrors, ServiceNameNotDns1035) {
    checkOneError("[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"1web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:7:8: services[0]: key 'name': '1web' is not a valid DNS-1035 label (lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63 characters)");
}

TEST(SnapshotErrors, SliceForUnknownService) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"wbe\"\n"
                  "addressType = \"IPv4\"\n",
                  "s.toml:8:11: EndpointSlice shop/web-1: key 'service': Service shop/wbe is not one of [[services]]");
}

TEST(SnapshotErrors, SliceWithoutAddressType) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:5:1: EndpointSlice shop/web-1: key 'addressType': required");
}

TEST(SnapshotErrors, SliceOfFqdnAddresses) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"FQDN\"\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:9:15: EndpointSlice shop/web-1: key 'addressType': unknown value 'FQDN'; expected one of IPv4, IPv6");
}

TEST(SnapshotErrors, Ipv6AddressInIpv4Slice) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [{ addresses = [\"10.0.0.1\"] }, { addresses = [\"fd00::1\"] }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:59: EndpointSlice shop/web-1: key 'endpoints[1].addresses[0]': fd00::1 is not an IPv4 address, but addressType is IPv4");
}

TEST(SnapshotErrors, EndpointWithoutAddresses) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [{ addresses = [] }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:28: EndpointSlice shop/web-1: key 'endpoints[0].addresses': must list at least one address");
}

TEST(SnapshotErrors, UnknownConditionKey) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [{ addresses = [\"10.0.0.1\"], conditions = { redy = true } }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:57: EndpointSlice shop/web-1: key 'endpoints[0].conditions.redy': unknown key; did you mean 'ready'?");
}

TEST(SnapshotErrors, ConditionOfWrongType) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [\n"
                  "  { addresses = [\"10.0.0.1\"] },\n"
                  "  { addresses = [\"10.0.0.2\"], conditions = { ready = \"yes\" } },\n"
                  "]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:12:54: EndpointSlice shop/web-1: key 'endpoints[1].conditions.ready': expected a boolean, got a string");
}

TEST(SnapshotErrors, TargetRefToMissingPod) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [{ addresses = [\"10.0.0.1\"], targetRef = { kind = \"Pod\", name = \"web-9\" } }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:54: EndpointSlice shop/web-1: key 'endpoints[0].targetRef': Pod shop/web-9 is not one of [[pods]]");
}

TEST(SnapshotErrors, EndpointOnUnknownNode) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "endpoints = [{ addresses = [\"10.0.0.1\"], nodeName = \"node-q\" }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:53: EndpointSlice shop/web-1: key 'endpoints[0].nodeName': node 'node-q' is not one of [[nodes]]");
}

TEST(SnapshotErrors, SlicePortNamesDuplicate) {
    checkOneError("[[endpointSlices]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web-1\"\n"
                  "service = \"web\"\n"
                  "addressType = \"IPv4\"\n"
                  "ports = [{ name = \"http\", port = 80 }, { name = \"http\", port = 81 }]\n"
                  "[[services]]\n"
                  "namespace = \"shop\"\n"
                  "name = \"web\"\n"
                  "clusterIPs = [\"None\"]\n",
                  "s.toml:10:49: EndpointSlice shop/web-1: key 'ports[1].name': 'http' is also the name of ports[0]");
}
