#!/usr/bin/python3
"""kube_cluster: a deterministic Kubernetes cluster as `kubectl get -o json` prints it.

One v1 List of Nodes, Namespaces, Pods, Services, EndpointSlices and
(optionally) NetworkPolicies, for tools/bench-kube: the same objects seed the
test API server (tests/support/kube_apiserver) and, through
`nodeplanectl snapshot import`, make the snapshot baseline. Standard library
only; the same options always give the same bytes.

Shape (defaults are issue 8's benchmark):
- nodes: node-a (the benched node) and node-001...; each has a podCIDR from
  10.128.0.0/9 big enough for its pods, and an InternalIP from 172.18.0.0/16.
- pods: spread round-robin over the nodes, IPs from their node's podCIDR,
  in groups of --endpoints-per-service consecutive pods sharing the label
  app=svc-G and one namespace; ownerReferences to a ReplicaSet per group
  with --owners. The first --local-interfaces pods on node-a carry the
  annotation nodeplane.io/interface: np-XXXX (interfaces that need not
  exist: the daemon keeps those pods pending).
- services: ClusterIP from 10.96.0.0/12, one TCP port 80 -> 8080, selecting
  the pods of group (index mod groups): with more services than groups, two
  services select the same pods, as a ClusterIP and a second Service often do.
- EndpointSlices: one per service, its endpoints the ready pods of its group
  (address, nodeName, targetRef), --endpoints in total.
- NetworkPolicies (--policies, default 0): ingress to one group from the
  next group's pods, TCP 8080.

  kube_cluster.py [options] > cluster.json
  kube_cluster.py [options] --change N > slice.json    the EndpointSlice of
      --change-service after change N: its endpoint (N mod size) not ready
"""

import argparse
import ipaddress
import json
import os
import sys

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
INTERFACE_ANNOTATION = "nodeplane.io/interface"
POD_NETWORK = ipaddress.ip_network("10.128.0.0/9")
SERVICE_NETWORK = ipaddress.ip_network("10.96.0.0/12")
NODE_NETWORK = ipaddress.ip_network("172.18.0.0/16")
# The first service addresses are the API server's own ("kubernetes" is
# 10.96.0.1 in a default cluster): the bench's services start after them.
SERVICE_FIRST_OFFSET = 16
SERVICE_PORT = 80
TARGET_PORT = 8080


class Cluster:
    """Index arithmetic for one set of counts: which node, namespace, group
    and address each object has, without building the whole cluster."""

    def __init__(self, args):
        self.nodes = args.nodes
        self.pods = args.pods
        self.services = args.services
        self.endpoints = args.endpoints
        self.namespaces = args.namespaces
        self.local_interfaces = args.local_interfaces
        self.policies = args.policies
        self.owners = args.owners
        self.node = args.node
        if min(self.nodes, self.pods, self.services, self.namespaces) < 1:
            raise ValueError("--nodes, --pods, --services and --namespaces must be at least 1")
        if self.endpoints < 0 or self.policies < 0 or self.local_interfaces < 0:
            raise ValueError("--endpoints, --policies and --local-interfaces must not be negative")
        # Endpoints per service: an even share, the first services one more.
        self.share, self.remainder = divmod(self.endpoints, self.services)
        self.group_size = self.share + (1 if self.remainder else 0) or 1
        self.groups = self.pods // self.group_size
        if self.groups < 1:
            raise ValueError(f"--pods {self.pods} is fewer than the {self.group_size} endpoints of one service")
        if self.services >= SERVICE_NETWORK.num_addresses - SERVICE_FIRST_OFFSET - 1:
            raise ValueError(f"--services {self.services} does not fit in {SERVICE_NETWORK}")
        if self.nodes >= NODE_NETWORK.num_addresses - 2:
            raise ValueError(f"--nodes {self.nodes} does not fit in {NODE_NETWORK}")
        per_node = -(-self.pods // self.nodes)
        # Host bits per node: room for its pods plus network and gateway, /24 at least.
        self.host_bits = max(8, (per_node + 2).bit_length())
        if self.nodes << self.host_bits > POD_NETWORK.num_addresses:
            raise ValueError(f"{self.nodes} nodes of /{32 - self.host_bits} do not fit in {POD_NETWORK}")

    # -- names and addresses -------------------------------------------------

    def node_name(self, n):
        return self.node if n == 0 else f"node-{n:03d}"

    def node_cidr(self, n):
        base = int(POD_NETWORK.network_address) + (n << self.host_bits)
        return ipaddress.ip_network((base, 32 - self.host_bits))

    def node_ip(self, n):
        return str(NODE_NETWORK.network_address + 10 + n)

    def namespace(self, i):
        return f"ns-{i:03d}"

    def group_namespace(self, group):
        return self.namespace(group % self.namespaces)

    def pod_node(self, p):
        return p % self.nodes

    def pod_name(self, p):
        return f"pod-{p}"

    def pod_group(self, p):
        # Pods past the last whole group join the last group's namespace
        # and label; they back no service.
        return min(p // self.group_size, self.groups - 1)

    def pod_ip(self, p):
        # .0 is the network, .1 the node's gateway by convention.
        return str(self.node_cidr(self.pod_node(p)).network_address + 2 + p // self.nodes)

    def service_name(self, s):
        return f"svc-{s}"

    def service_group(self, s):
        return s % self.groups

    def service_ip(self, s):
        return str(SERVICE_NETWORK.network_address + SERVICE_FIRST_OFFSET + s)

    def service_endpoints(self, s):
        return self.share + (1 if s < self.remainder else 0)

    def slice_name(self, s):
        return f"svc-{s}-bench"

    # -- objects ---------------------------------------------------------------

    def node_object(self, n):
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": self.node_name(n),
                         "labels": {"kubernetes.io/hostname": self.node_name(n),
                                    "kubernetes.io/os": "linux"}},
            "spec": {"podCIDR": str(self.node_cidr(n)), "podCIDRs": [str(self.node_cidr(n))]},
            "status": {"addresses": [{"type": "InternalIP", "address": self.node_ip(n)},
                                     {"type": "Hostname", "address": self.node_name(n)}]},
        }

    def namespace_object(self, i):
        name = self.namespace(i)
        return {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name}},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }

    def local_interface(self, p):
        """The annotated interface of pod p, or None: the first
        --local-interfaces pods on the benched node have one."""
        if self.pod_node(p) != 0:
            return None
        k = p // self.nodes
        return f"np-{k:04x}" if k < self.local_interfaces else None

    def pod_object(self, p):
        group = self.pod_group(p)
        meta = {"name": self.pod_name(p), "namespace": self.group_namespace(group),
                "labels": {"app": f"svc-{group}"}}
        if self.owners:
            meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": f"svc-{group}-rs",
                                        "uid": f"00000000-0000-4000-8000-{group:012d}",
                                        "controller": True, "blockOwnerDeletion": True}]
        interface = self.local_interface(p)
        if interface:
            meta["annotations"] = {INTERFACE_ANNOTATION: interface}
        ip = self.pod_ip(p)
        node = self.pod_node(p)
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": meta,
            "spec": {"nodeName": self.node_name(node),
                     "containers": [{"name": "app", "image": "registry.example/app:1",
                                     "ports": [{"name": "http", "containerPort": TARGET_PORT,
                                                "protocol": "TCP"}]}]},
            "status": {"phase": "Running", "hostIP": self.node_ip(node), "podIP": ip, "podIPs": [{"ip": ip}]},
        }

    def service_object(self, s):
        group = self.service_group(s)
        ip = self.service_ip(s)
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": self.service_name(s), "namespace": self.group_namespace(group),
                         "labels": {"app": f"svc-{group}"}},
            "spec": {"type": "ClusterIP", "clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
                     "selector": {"app": f"svc-{group}"}, "sessionAffinity": "None",
                     "internalTrafficPolicy": "Cluster",
                     "ports": [{"name": "http", "protocol": "TCP", "port": SERVICE_PORT,
                                "targetPort": TARGET_PORT}]},
            "status": {"loadBalancer": {}},
        }

    def slice_object(self, s, not_ready=None):
        """Service s's EndpointSlice; endpoint index `not_ready` (if any) is
        reported not ready, as when its pod fails a readiness probe."""
        group = self.service_group(s)
        namespace = self.group_namespace(group)
        endpoints = []
        for e in range(self.service_endpoints(s)):
            p = group * self.group_size + e
            ready = e != not_ready
            endpoints.append({
                "addresses": [self.pod_ip(p)],
                "conditions": {"ready": ready, "serving": ready, "terminating": False},
                "nodeName": self.node_name(self.pod_node(p)),
                "targetRef": {"kind": "Pod", "namespace": namespace, "name": self.pod_name(p)},
            })
        return {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"name": self.slice_name(s), "namespace": namespace,
                         "labels": {SERVICE_NAME_LABEL: self.service_name(s),
                                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io"}},
            "addressType": "IPv4",
            "ports": [{"name": "http", "protocol": "TCP", "port": TARGET_PORT}],
            "endpoints": endpoints,
        }

    def policy_object(self, i):
        group = i % self.groups
        peer = (group + 1) % self.groups
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"allow-{i}", "namespace": self.group_namespace(group)},
            "spec": {"podSelector": {"matchLabels": {"app": f"svc-{group}"}},
                     "policyTypes": ["Ingress"],
                     "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                                               "kubernetes.io/metadata.name": self.group_namespace(peer)}},
                                           "podSelector": {"matchLabels": {"app": f"svc-{peer}"}}}],
                                  "ports": [{"protocol": "TCP", "port": TARGET_PORT}]}]},
        }

    def objects(self):
        yield from (self.node_object(n) for n in range(self.nodes))
        yield from (self.namespace_object(i) for i in range(self.namespaces))
        yield from (self.pod_object(p) for p in range(self.pods))
        yield from (self.service_object(s) for s in range(self.services))
        yield from (self.slice_object(s) for s in range(self.services))
        yield from (self.policy_object(i) for i in range(self.policies))

    def changed_slice(self, change, service):
        """The slice of `service` after change number `change`: each change
        marks a different endpoint not ready, so consecutive changes always
        differ and the last one can be checked in the datapath."""
        size = self.service_endpoints(service)
        return self.slice_object(service, change % size if size else None)


def write_list(cluster, out):
    """The List, written object by object: 50,000 pods need not sit in
    memory twice."""
    out.write('{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[\n')
    first = True
    for obj in cluster.objects():
        if not first:
            out.write(",\n")
        first = False
        out.write(json.dumps(obj, separators=(",", ":"), sort_keys=True))
    out.write("\n]}\n")


def add_arguments(p):
    p.add_argument("--node", default="node-a", help="the benched node's name (default node-a)")
    p.add_argument("--nodes", type=int, default=100, help="nodes, the benched one included (default 100)")
    p.add_argument("--pods", type=int, default=50000, help="pods (default 50000)")
    p.add_argument("--services", type=int, default=10000, help="ClusterIP services (default 10000)")
    p.add_argument("--endpoints", type=int, default=100000, help="endpoints over all slices (default 100000)")
    p.add_argument("--namespaces", type=int, default=100, help="namespaces (default 100)")
    p.add_argument("--local-interfaces", type=int, default=100,
                   help="pods on the benched node annotated with an interface (default 100)")
    p.add_argument("--policies", type=int, default=0, help="NetworkPolicies (default 0)")
    p.add_argument("--owners", action="store_true", help="give pods ownerReferences to a ReplicaSet")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(p)
    p.add_argument("--change", type=int, metavar="N",
                   help="print only the EndpointSlice of --change-service after change N")
    p.add_argument("--change-service", type=int, default=0, help="the service --change modifies (default 0)")
    p.add_argument("-o", "--output", help="write here (atomically) instead of stdout")
    args = p.parse_args()
    try:
        cluster = Cluster(args)
    except ValueError as e:
        p.error(str(e))
    if args.change is not None and not 0 <= args.change_service < cluster.services:
        p.error(f"--change-service {args.change_service} is not one of the {cluster.services} services")

    def emit(out):
        if args.change is not None:
            json.dump(cluster.changed_slice(args.change, args.change_service), out, separators=(",", ":"),
                      sort_keys=True)
            out.write("\n")
        else:
            write_list(cluster, out)

    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            emit(f)
        os.rename(tmp, args.output)
    else:
        emit(sys.stdout)


if __name__ == "__main__":
    sys.dont_write_bytecode = True
    main()
