#include "snapshot_render.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "toml_value.h"

namespace nodeplane::netpol {

using nlohmann::json;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string labelsToml(const Labels& labels) {
    json object = json::object();
    for (const auto& [k, v] : labels) object[k] = v;
    return tomlInline(object, "labels").value();  // strings only: cannot fail
}

std::string addressFamily(const IpAddress& ip) { return ip.isV4() ? "IPv4" : "IPv6"; }

// Kubernetes' service port name for the per-pod Service: service-port-<proto>-<port>.
std::string servicePortName(const Server& s) { return "service-port-" + lower(s.protocol) + "-" + std::to_string(s.port); }

const PodPlacement* placementOf(const std::vector<PodPlacement>& placements, const std::string& id) {
    for (const auto& p : placements)
        if (p.id == id) return &p;
    return nullptr;
}

Status checkKeys(const json& object, std::initializer_list<std::string_view> known, const std::string& where) {
    for (const auto& [key, value] : object.items())
        if (std::find(known.begin(), known.end(), key) == known.end())
            return Error::logical(where + ": " + key + ": not carried by the snapshot");
    return {};
}

void writePod(std::ostream& out, const ModelPod& pod, const PodPlacement& at, const Case& c, const std::string& self) {
    out << "\n[[pods]]\nnamespace = " << tomlString(pod.namespace_) << "\nname = " << tomlString(pod.name)
        << "\nnodeName = " << tomlString(at.node) << "\npodIPs = [" << tomlString(at.ip.toString()) << "]"
        << "\nlabels = " << labelsToml(pod.labels) << "\nports = [";
    for (std::size_t i = 0; i < c.servers.size(); ++i)
        out << (i ? ", " : "") << "{ name = " << tomlString(c.servers[i].name)
            << ", containerPort = " << c.servers[i].port << ", protocol = " << tomlString(c.servers[i].protocol) << " }";
    out << "]\n";
    if (at.node == self) out << "interface = " << tomlString(at.interface_) << "\n";
}

void writeService(std::ostream& out, const ModelPod& pod, const PodPlacement& at, const Case& c) {
    const std::string service = "s-" + pod.namespace_ + "-" + pod.name;
    out << "\n[[services]]\nnamespace = " << tomlString(pod.namespace_) << "\nname = " << tomlString(service)
        << "\nclusterIPs = [" << tomlString(at.clusterIp.toString()) << "]\nports = [";
    for (std::size_t i = 0; i < c.servers.size(); ++i)
        out << (i ? ", " : "") << "{ name = " << tomlString(servicePortName(c.servers[i]))
            << ", protocol = " << tomlString(c.servers[i].protocol) << ", port = " << c.servers[i].port
            << ", targetPort = " << c.servers[i].port << " }";
    out << "]\n";

    out << "\n[[endpointSlices]]\nnamespace = " << tomlString(pod.namespace_) << "\nname = " << tomlString(service + "-np")
        << "\nservice = " << tomlString(service) << "\naddressType = " << tomlString(addressFamily(at.ip)) << "\nports = [";
    for (std::size_t i = 0; i < c.servers.size(); ++i)
        out << (i ? ", " : "") << "{ name = " << tomlString(servicePortName(c.servers[i]))
            << ", port = " << c.servers[i].port << ", protocol = " << tomlString(c.servers[i].protocol) << " }";
    out << "]\nendpoints = [\n  { addresses = [" << tomlString(at.ip.toString())
        << "], conditions = { ready = true }, nodeName = " << tomlString(at.node)
        << ", targetRef = { kind = \"Pod\", namespace = " << tomlString(pod.namespace_)
        << ", name = " << tomlString(pod.name) << " } },\n]\n";
}

}  // namespace

Result<std::vector<PodPlacement>> readPlacements(std::istream& in, const std::string& name) {
    std::vector<PodPlacement> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream fields(line);
        std::string id, ip, node, clusterIp, ifname, extra;
        if (!(fields >> id)) continue;
        const std::string where = name + ":" + std::to_string(number);
        if (!(fields >> ip >> node >> clusterIp >> ifname) || (fields >> extra))
            return Error::logical(where + ": expected '<ns>/<pod> <pod-ip> <node> <cluster-ip> <interface>'");
        auto podIp = IpAddress::parse(ip);
        if (!podIp) return Error::logical(where + ": '" + ip + "' is not an IP address");
        auto serviceIp = IpAddress::parse(clusterIp);
        if (!serviceIp) return Error::logical(where + ": '" + clusterIp + "' is not an IP address");
        if (placementOf(out, id)) return Error::logical(where + ": pod " + id + " is placed twice");
        out.push_back({id, *podIp, node, *serviceIp, ifname});
    }
    return out;
}

Result<std::string> networkPolicyToml(const json& policy, const PodIps& ips, const std::string& where) {
    if (auto ok = checkKeys(policy, {"apiVersion", "kind", "metadata", "spec"}, where); !ok) return ok.error();
    if (policy.contains("kind") && policy["kind"] != "NetworkPolicy")
        return Error::logical(where + ": kind: expected NetworkPolicy");
    const json& metadata = policy.value("metadata", json::object());
    // metadata.labels select nothing in a NetworkPolicy and the snapshot has no key for them.
    if (auto ok = checkKeys(metadata, {"name", "namespace", "labels", "annotations"}, where + ": metadata"); !ok)
        return ok.error();
    if (!policy.contains("spec")) return Error::logical(where + ": spec: missing");
    auto spec = resolvePolicyCidrs(policy["spec"], ips, where + ": spec");
    if (!spec) return spec.error();
    if (auto ok = checkKeys(*spec, {"podSelector", "policyTypes", "ingress", "egress"}, where + ": spec"); !ok)
        return ok.error();

    std::string out = "\n[[networkPolicies]]\n";
    for (const char* key : {"namespace", "name", "annotations"}) {
        if (!metadata.contains(key)) continue;
        auto value = tomlInline(metadata[key], where + ": metadata." + key);
        if (!value) return value.error();
        out += std::string(key) + " = " + *value + "\n";
    }
    for (const char* key : {"podSelector", "policyTypes", "ingress", "egress"}) {
        if (!spec->contains(key)) continue;
        auto value = tomlInline((*spec)[key], where + ": spec." + key);
        if (!value) return value.error();
        out += std::string(key) + " = " + *value + "\n";
    }
    return out;
}

Result<std::string> renderSnapshotObjects(const RenderRequest& r) {
    const std::string where = "case " + r.testCase.id + " step " + std::to_string(r.step);
    PodIps ips;
    for (const auto& pod : r.state.pods) {
        const PodPlacement* at = placementOf(r.placements, pod.id);
        if (!at) return Error::logical(where + ": pod " + pod.id + " has no placement");
        ips[pod.id] = at->ip;
    }
    for (const auto& s : r.testCase.servers)
        if (s.protocol == "SCTP")
            return Error::logical(where + ": servers: " + s.name +
                                  ": an SCTP Service port is refused by the snapshot, so it cannot be probed here");

    std::ostringstream out;
    for (const auto& ns : r.state.namespaces)
        out << "\n[[namespaces]]\nname = " << tomlString(ns.name) << "\nlabels = " << labelsToml(ns.labels) << "\n";
    for (const auto& pod : r.state.pods) writePod(out, pod, *placementOf(r.placements, pod.id), r.testCase, r.selfNode);
    for (const auto& pod : r.state.pods) writeService(out, pod, *placementOf(r.placements, pod.id), r.testCase);
    for (const auto& p : r.state.policies) {
        // case_state.cpp checked that metadata.namespace and .name are strings.
        const json& m = p["metadata"];
        auto policy = networkPolicyToml(p, ips,
                                        where + ": NetworkPolicy " + m["namespace"].get<std::string>() + "/" +
                                            m["name"].get<std::string>());
        if (!policy) return policy.error();
        out << *policy;
    }
    return out.str();
}

}  // namespace nodeplane::netpol
