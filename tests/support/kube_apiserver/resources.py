"""The resource types the test API server serves and its discovery documents.

Only what one nodeplane node reads: v1 pods, services, namespaces, nodes,
discovery.k8s.io/v1 endpointslices and networking.k8s.io/v1 networkpolicies.
The discovery answers follow the legacy (unaggregated) documents, which both
kubectl 1.20 and kubectl 1.32 accept.
"""

from dataclasses import dataclass

SERVER_VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0-nodeplane-test",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.0",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class Resource:
    group: str          # "" for the core group
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple
    # The status a create through the API starts with; None keeps what the
    # client sent. Mirrors the registry strategies' PrepareForCreate: a pod
    # starts Pending, a service with an empty load balancer status, a
    # namespace Active. Nodes keep theirs (the kubelet registers with status).
    initial_status: object
    has_status: bool

    @property
    def api_version(self):
        return self.version if not self.group else f"{self.group}/{self.version}"

    @property
    def prefix(self):
        return "/api/v1" if not self.group else f"/apis/{self.group}/{self.version}"


RESOURCES = [
    Resource("", "v1", "pods", "pod", "Pod", True, ("po",),
             {"phase": "Pending"}, True),
    Resource("", "v1", "services", "service", "Service", True, ("svc",),
             {"loadBalancer": {}}, True),
    Resource("", "v1", "namespaces", "namespace", "Namespace", False, ("ns",),
             {"phase": "Active"}, True),
    Resource("", "v1", "nodes", "node", "Node", False, ("no",), None, True),
    Resource("discovery.k8s.io", "v1", "endpointslices", "endpointslice",
             "EndpointSlice", True, (), None, False),
    Resource("networking.k8s.io", "v1", "networkpolicies", "networkpolicy",
             "NetworkPolicy", True, ("netpol",), None, False),
]

BY_PREFIX_AND_PLURAL = {(r.prefix, r.plural): r for r in RESOURCES}
BY_API_VERSION_AND_KIND = {(r.api_version, r.kind): r for r in RESOURCES}
BY_KIND = {r.kind: r for r in RESOURCES}
GROUP_VERSIONS = sorted({(r.group, r.version) for r in RESOURCES if r.group})


def api_versions(server_address):
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def api_group_list():
    groups = []
    for group, version in GROUP_VERSIONS:
        gv = {"groupVersion": f"{group}/{version}", "version": version}
        groups.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group):
    for g in api_group_list()["groups"]:
        if g["name"] == group:
            return dict(g, kind="APIGroup", apiVersion="v1")
    return None


def api_resource_list(prefix):
    entries = []
    group_version = None
    for r in RESOURCES:
        if r.prefix != prefix:
            continue
        group_version = r.api_version
        entries.append({
            "name": r.plural, "singularName": r.singular,
            "namespaced": r.namespaced, "kind": r.kind, "verbs": _VERBS,
            **({"shortNames": list(r.short_names)} if r.short_names else {}),
        })
        if r.has_status:
            entries.append({
                "name": f"{r.plural}/status", "singularName": "",
                "namespaced": r.namespaced, "kind": r.kind,
                "verbs": ["get", "patch", "update"]})
    if group_version is None:
        return None
    return {"kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": group_version, "resources": entries}
