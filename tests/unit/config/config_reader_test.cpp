// applyConfigText(): every bad input names file, line, column, table and key.
#include <CppUTest/TestHarness.h>

#include "config/config.h"

using nodeplane::InputErrors;
using nodeplane::config::applyConfigText;
using nodeplane::config::Config;
using nodeplane::config::StateSource;

namespace {

InputErrors apply(const std::string& text) {
    Config config;
    return applyConfigText(config, text, "c.toml");
}

// The input must produce exactly one error, and this one.
void checkOneError(const std::string& text, const char* expected) {
    InputErrors errors = apply(text);
    LONGS_EQUAL_TEXT(1, errors.size(), nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL(expected, errors[0].toString().c_str());
}

}  // namespace

TEST_GROUP(ConfigReaderGood){};

TEST(ConfigReaderGood, EmptyTextKeepsEveryDefault) {
    Config config;
    LONGS_EQUAL(0, applyConfigText(config, "", "c.toml").size());
    CHECK(config.node.name.empty());
    CHECK(config.node.externalInterfaces.empty());
    CHECK(config.node.manageSysctls);
    CHECK(config.state.source == StateSource::Snapshot);
    STRCMP_EQUAL("/etc/nodeplane/state.toml", config.state.snapshot.c_str());
    STRCMP_EQUAL("", config.kubernetes.kubeconfig.c_str());
    STRCMP_EQUAL("/var/lib/nodeplane/last-known.toml", config.kubernetes.lastKnown.c_str());
    STRCMP_EQUAL("/sys/fs/bpf/nodeplane", config.datapath.bpffs.c_str());
    LONGS_EQUAL(65536, config.datapath.maxLocalEndpoints);
    LONGS_EQUAL(4096, config.datapath.maxInterfaces);
    STRCMP_EQUAL("0.0.0.0:10256", config.health.listen.c_str());
    LONGS_EQUAL(30, config.lifecycle.drainSeconds);
    STRCMP_EQUAL("/run/nodeplane/control.sock", config.control.socket.c_str());
    CHECK(config.control.systemBus);
    STRCMP_EQUAL("info", config.log.level.c_str());
}

TEST(ConfigReaderGood, ReadsEveryKey) {
    Config config;
    InputErrors errors = applyConfigText(config, R"(
[node]
name = "node-a"
external-interfaces = ["eth0", "eth1"]
manage-sysctls = false

[state]
source = "kubernetes"
snapshot = "/srv/state.d"

[kubernetes]
kubeconfig = "/etc/kubernetes/node.kubeconfig"
last-known = "/var/lib/np/last.toml"

[datapath]
bpffs = "/run/np-bpf/a"
max-local-endpoints = 1024
max-interfaces = 128

[health]
listen = "[::]:10257"

[lifecycle]
drain-seconds = 0

[control]
socket = "/run/np-a/control.sock"
system-bus = false

[log]
level = "debug"
)",
                                         "c.toml");
    STRCMP_EQUAL("", nodeplane::formatInputErrors(errors).c_str());
    STRCMP_EQUAL("node-a", config.node.name.c_str());
    LONGS_EQUAL(2, config.node.externalInterfaces.size());
    STRCMP_EQUAL("eth1", config.node.externalInterfaces[1].c_str());
    CHECK_FALSE(config.node.manageSysctls);
    CHECK(config.state.source == StateSource::Kubernetes);
    STRCMP_EQUAL("/srv/state.d", config.state.snapshot.c_str());
    STRCMP_EQUAL("/etc/kubernetes/node.kubeconfig", config.kubernetes.kubeconfig.c_str());
    STRCMP_EQUAL("/var/lib/np/last.toml", config.kubernetes.lastKnown.c_str());
    STRCMP_EQUAL("/run/np-bpf/a", config.datapath.bpffs.c_str());
    LONGS_EQUAL(1024, config.datapath.maxLocalEndpoints);
    LONGS_EQUAL(128, config.datapath.maxInterfaces);
    STRCMP_EQUAL("[::]:10257", config.health.listen.c_str());
    LONGS_EQUAL(0, config.lifecycle.drainSeconds);
    STRCMP_EQUAL("/run/np-a/control.sock", config.control.socket.c_str());
    CHECK_FALSE(config.control.systemBus);
    STRCMP_EQUAL("debug", config.log.level.c_str());
}

TEST(ConfigReaderGood, OnlyTheKeysGivenChange) {
    Config config;
    config.health.listen = "127.0.0.1:9000";
    config.lifecycle.drainSeconds = 5;
    LONGS_EQUAL(0, applyConfigText(config, "[lifecycle]\ndrain-seconds = 7\n", "10-drain.toml").size());
    LONGS_EQUAL(7, config.lifecycle.drainSeconds);
    STRCMP_EQUAL("127.0.0.1:9000", config.health.listen.c_str());
}

TEST(ConfigReaderGood, ABrokenDocumentLeavesTheBaseUntouched) {
    Config config;
    InputErrors errors = applyConfigText(config, "[lifecycle]\ndrain-seconds = 7\n[log]\nlevel = \"loud\"\n", "c.toml");
    LONGS_EQUAL(1, errors.size());
    LONGS_EQUAL(30, config.lifecycle.drainSeconds);
}

TEST_GROUP(ConfigReaderBad){};

TEST(ConfigReaderBad, UnknownTable) {
    checkOneError("[helth]\nlisten = \"0.0.0.0:1\"\n", "c.toml:1:2: key 'helth': unknown table; did you mean 'health'?");
}

TEST(ConfigReaderBad, UnknownTopLevelKey) {
    checkOneError("drain-seconds = 3\n", "c.toml:1:1: key 'drain-seconds': unknown key");
}

TEST(ConfigReaderBad, UnknownKeyWithSuggestion) {
    checkOneError("[lifecycle]\ndrainSeconds = 3\n",
                  "c.toml:2:1: [lifecycle]: key 'drainSeconds': unknown key; did you mean 'drain-seconds'?");
}

TEST(ConfigReaderBad, TableGivenAsValue) {
    checkOneError("health = \"0.0.0.0:10256\"\n", "c.toml:1:10: key 'health': expected a table, got a string");
}

TEST(ConfigReaderBad, WrongTypeForInteger) {
    checkOneError("[lifecycle]\ndrain-seconds = \"30\"\n",
                  "c.toml:2:17: [lifecycle]: key 'drain-seconds': expected an integer, got a string");
}

TEST(ConfigReaderBad, FloatIsNotAnInteger) {
    checkOneError("[datapath]\nmax-interfaces = 12.5\n",
                  "c.toml:2:18: [datapath]: key 'max-interfaces': expected an integer, got a floating-point number");
}

TEST(ConfigReaderBad, UnknownStateSource) {
    checkOneError("[state]\nsource = \"api\"\n",
                  "c.toml:2:10: [state]: key 'source': unknown value 'api'; expected one of snapshot, kubernetes");
}

TEST(ConfigReaderBad, ListenWithoutPort) {
    checkOneError("[health]\nlisten = \"0.0.0.0\"\n",
                  "c.toml:2:10: [health]: key 'listen': '0.0.0.0' is not IP:port (an IPv6 address in brackets: "
                  "[::]:10256)");
}

TEST(ConfigReaderBad, ListenIpv6WithoutBrackets) {
    checkOneError("[health]\nlisten = \"::1:10256\"\n",
                  "c.toml:2:10: [health]: key 'listen': '::1:10256' is not IP:port (an IPv6 address in brackets: "
                  "[::]:10256)");
}

TEST(ConfigReaderBad, ListenPortOutOfRange) {
    checkOneError("[health]\n  listen = \"127.0.0.1:70000\"\n",
                  "c.toml:2:12: [health]: key 'listen': port 70000 is out of range 1-65535");
}

TEST(ConfigReaderBad, NegativeDrainSeconds) {
    checkOneError("[lifecycle]\ndrain-seconds = -1\n",
                  "c.toml:2:17: [lifecycle]: key 'drain-seconds': -1 is out of range 0-3600");
}

TEST(ConfigReaderBad, AbsurdDrainSeconds) {
    checkOneError("[lifecycle]\ndrain-seconds = 86400\n",
                  "c.toml:2:17: [lifecycle]: key 'drain-seconds': 86400 is out of range 0-3600");
}

TEST(ConfigReaderBad, UnknownLogLevel) {
    checkOneError("[log]\nlevel = \"verbose\"\n",
                  "c.toml:2:9: [log]: key 'level': unknown value 'verbose'; expected one of trace, debug, info, "
                  "warn, error");
}

TEST(ConfigReaderBad, EmptyBpffs) {
    checkOneError("[datapath]\nbpffs = \"\"\n", "c.toml:2:9: [datapath]: key 'bpffs': must not be empty");
}

TEST(ConfigReaderBad, RelativeSnapshotPath) {
    checkOneError("[state]\nsnapshot = \"state.toml\"\n",
                  "c.toml:2:12: [state]: key 'snapshot': 'state.toml' is not an absolute path");
}

TEST(ConfigReaderBad, RelativeKubeconfig) {
    checkOneError("[kubernetes]\nkubeconfig = \"~/.kube/config\"\n",
                  "c.toml:2:14: [kubernetes]: key 'kubeconfig': '~/.kube/config' is not an absolute path");
}

TEST(ConfigReaderBad, SocketPathTooLong) {
    std::string path = "/run/" + std::string(110, 'x');
    checkOneError("[control]\nsocket = \"" + path + "\"\n",
                  ("c.toml:2:10: [control]: key 'socket': '" + path +
                   "' is longer than a socket path can be (107 bytes)")
                      .c_str());
}

TEST(ConfigReaderBad, InterfaceNameTooLong) {
    checkOneError("[node]\nexternal-interfaces = [\"eth0\", \"a-very-long-ifname\"]\n",
                  "c.toml:2:32: [node]: key 'external-interfaces[1]': 'a-very-long-ifname' is not a valid "
                  "interface name (at most 15 characters, IFNAMSIZ - 1)");
}

TEST(ConfigReaderBad, InterfaceListedTwice) {
    checkOneError("[node]\nexternal-interfaces = [\"eth0\", \"eth0\"]\n",
                  "c.toml:2:32: [node]: key 'external-interfaces[1]': 'eth0' is listed twice");
}

TEST(ConfigReaderBad, EmptyInterfaceList) {
    checkOneError("[node]\nexternal-interfaces = []\n",
                  "c.toml:2:23: [node]: key 'external-interfaces': must name at least one interface; leave the "
                  "key out for the default route's interface");
}

TEST(ConfigReaderBad, InterfaceListOfWrongType) {
    checkOneError("[node]\nexternal-interfaces = [\"eth0\", 1]\n",
                  "c.toml:2:32: [node]: key 'external-interfaces[1]': expected a string, got an integer");
}

TEST(ConfigReaderBad, NodeNameNotADnsSubdomain) {
    checkOneError("[node]\nname = \"Node_A\"\n",
                  "c.toml:2:8: [node]: key 'name': 'Node_A' is not a valid DNS subdomain (dot-separated lowercase "
                  "labels of letters, digits and '-', at most 253 characters)");
}

TEST(ConfigReaderBad, MaxLocalEndpointsZero) {
    checkOneError("[datapath]\nmax-local-endpoints = 0\n",
                  "c.toml:2:23: [datapath]: key 'max-local-endpoints': 0 is out of range 1-1048576");
}

TEST(ConfigReaderBad, BooleanAsString) {
    checkOneError("[control]\nsystem-bus = \"yes\"\n",
                  "c.toml:2:14: [control]: key 'system-bus': expected a boolean, got a string");
}

TEST(ConfigReaderBad, SyntaxErrorHasItsPosition) {
    checkOneError("[health]\nlisten = \n",
                  "c.toml:2:10: Error while parsing key-value pair: expected value, saw '\\n'");
}

TEST(ConfigReaderBad, DuplicateKeyIsASyntaxError) {
    checkOneError("[log]\nlevel = \"info\"\nlevel = \"debug\"\n",
                  "c.toml:3:9: Error while parsing key-value pair: cannot redefine existing string 'level'");
}

TEST(ConfigReaderBad, EveryErrorOfAFileInFileOrder) {
    InputErrors errors = apply(R"([state]
source = "etcd"
[health]
listen = "localhost:80"
port = 1
[lifecycle]
drain-seconds = -5
)");
    LONGS_EQUAL(4, errors.size());
    STRCMP_EQUAL("c.toml:2:10: [state]: key 'source': unknown value 'etcd'; expected one of snapshot, kubernetes",
                 errors[0].toString().c_str());
    STRCMP_EQUAL("c.toml:4:10: [health]: key 'listen': 'localhost:80' is not IP:port (an IPv6 address in "
                 "brackets: [::]:10256)",
                 errors[1].toString().c_str());
    STRCMP_EQUAL("c.toml:5:1: [health]: key 'port': unknown key", errors[2].toString().c_str());
    STRCMP_EQUAL("c.toml:7:17: [lifecycle]: key 'drain-seconds': -5 is out of range 0-3600",
                 errors[3].toString().c_str());
}
