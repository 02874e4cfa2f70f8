// One small cluster, as snapshot text read by the real parser, shared by the
// observe tests: node-a (this node) and node-b, namespaces shop, tools and
// quiet, pods of each kind of owner, a hostNetwork pod, and policies on
// shop/web that allow by pod, namespace, ipBlock and port.
#pragma once

#include <CppUTest/TestHarness.h>

#include <string>

#include "state/snapshot_loader.h"

namespace nodeplane::observe::test {

inline constexpr const char* kClusterSnapshot = R"(format = 1
node = "node-a"

[[nodes]]
name = "node-a"
addresses = ["192.168.50.2", "fd00::2"]

[[nodes]]
name = "node-b"
addresses = ["192.168.50.3"]

[[namespaces]]
name = "shop"
labels = { team = "web" }
annotations = { "policy.network.gke.io/enable-deny-logging" = "true" }

[[namespaces]]
name = "tools"
labels = { team = "ops" }

[[namespaces]]
name = "quiet"
annotations = { "policy.network.gke.io/enable-deny-logging" = "false" }

[[pods]]
namespace = "shop"
name = "web-7d4b9c-x2x9z"
nodeName = "node-a"
podIPs = ["10.200.1.10", "fd00:200::10"]
labels = { app = "web", pod-template-hash = "7d4b9c" }
ports = [{ name = "http", containerPort = 8080 }]
interface = "np-web"
ownerReferences = [{ kind = "ReplicaSet", name = "web-7d4b9c", controller = true }]

[[pods]]
namespace = "shop"
name = "frontend-0"
nodeName = "node-b"
podIPs = ["10.200.2.20"]
labels = { app = "frontend" }
ownerReferences = [{ kind = "StatefulSet", name = "frontend", controller = true }]

[[pods]]
namespace = "tools"
name = "debug"
nodeName = "node-b"
podIPs = ["10.200.2.30"]
labels = { app = "debug" }

[[pods]]
namespace = "quiet"
name = "q"
nodeName = "node-a"
podIPs = ["10.200.1.40"]
labels = { app = "q" }
interface = "np-q"

[[pods]]
namespace = "shop"
name = "agent-a"
nodeName = "node-a"
hostNetwork = true
podIPs = ["192.168.50.2"]
ownerReferences = [{ kind = "DaemonSet", name = "agent", controller = true }]

[[pods]]
namespace = "tools"
name = "agent-b"
nodeName = "node-b"
hostNetwork = true
podIPs = ["192.168.50.9"]

[[networkPolicies]]
namespace = "shop"
name = "allow-frontend"
annotations = { "policy.network.gke.io/enable-logging" = "true" }
podSelector = { matchLabels = { app = "web" } }
ingress = [{ from = [{ podSelector = { matchLabels = { app = "frontend" } } }], ports = [{ port = "http" }] }]

[[networkPolicies]]
namespace = "shop"
name = "allow-team-web"
podSelector = { matchLabels = { app = "web" } }
ingress = [{ from = [{ namespaceSelector = { matchLabels = { team = "web" } } }] }]

[[networkPolicies]]
namespace = "shop"
name = "allow-office"
podSelector = { matchLabels = { app = "web" } }

  [[networkPolicies.ingress]]
  from = [{ ipBlock = { cidr = "192.168.0.0/16", except = ["192.168.99.0/24"] } }]
  ports = [{ port = 9000, endPort = 9100 }]

[[networkPolicies]]
namespace = "shop"
name = "deny-all"
podSelector = {}
policyTypes = ["Ingress", "Egress"]

[[networkPolicies]]
namespace = "shop"
name = "web-egress-dns"
annotations = { "policy.network.gke.io/enable-logging" = "false" }
podSelector = { matchLabels = { app = "web" } }
egress = [{ to = [{ namespaceSelector = {} }], ports = [{ protocol = "UDP", port = 53 }] }]

[[networkPolicies]]
namespace = "tools"
name = "tools-open"
annotations = { "policy.network.gke.io/enable-logging" = "true" }
podSelector = {}
ingress = [{}]
)";

// kClusterSnapshot as a Model; fails the test when it does not parse cleanly.
inline state::Model clusterModel() {
    auto result = state::parseSnapshotText(kClusterSnapshot, "cluster.toml");
    STRCMP_EQUAL("", formatInputErrors(result.errors).c_str());
    return result.model;
}

inline IpAddress ip(const char* text) {
    auto parsed = IpAddress::parse(text);
    CHECK_TEXT(parsed.has_value(), text);
    return parsed.value_or(IpAddress{});
}

}  // namespace nodeplane::observe::test
