#include "policy_snapshot.h"

#include <cerrno>
#include <filesystem>
#include <map>

#include "scale/snapshot_file.h"

namespace nodeplane::bench {

namespace {

std::string quoted(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string labelsToml(const state::Labels& labels) {
    std::string out = "{";
    const char* sep = " ";
    for (const auto& [k, v] : labels) {
        out += sep + quoted(k) + " = " + quoted(v);
        sep = ", ";
    }
    return out + (labels.empty() ? "}" : " }");
}

const char* operatorName(state::SelectorOperator op) {
    switch (op) {
        case state::SelectorOperator::In: return "In";
        case state::SelectorOperator::NotIn: return "NotIn";
        case state::SelectorOperator::Exists: return "Exists";
        case state::SelectorOperator::DoesNotExist: return "DoesNotExist";
    }
    return "In";
}

std::string selectorToml(const state::LabelSelector& s) {
    std::string out = "{ matchLabels = " + labelsToml(s.matchLabels);
    if (!s.matchExpressions.empty()) {
        out += ", matchExpressions = [";
        const char* sep = "";
        for (const auto& r : s.matchExpressions) {
            out += std::string(sep) + "{ key = " + quoted(r.key) + ", operator = " + quoted(operatorName(r.op));
            if (!r.values.empty()) {
                out += ", values = [";
                for (std::size_t i = 0; i < r.values.size(); ++i) out += (i ? ", " : "") + quoted(r.values[i]);
                out += "]";
            }
            out += " }";
            sep = ", ";
        }
        out += "]";
    }
    return out + " }";
}

std::string peerToml(const state::PolicyPeer& peer) {
    std::string out = "{";
    const char* sep = " ";
    if (peer.podSelector) {
        out += sep + std::string("podSelector = ") + selectorToml(*peer.podSelector);
        sep = ", ";
    }
    if (peer.namespaceSelector) {
        out += sep + std::string("namespaceSelector = ") + selectorToml(*peer.namespaceSelector);
        sep = ", ";
    }
    if (peer.ipBlock) {
        out += sep + std::string("ipBlock = { cidr = ") + quoted(peer.ipBlock->cidr.toString()) + ", except = [";
        for (std::size_t i = 0; i < peer.ipBlock->except.size(); ++i)
            out += (i ? ", " : "") + quoted(peer.ipBlock->except[i].toString());
        out += "] }";
    }
    return out + " }";
}

std::string portToml(const state::PolicyPort& port) {
    std::string out = "{ protocol = " + quoted(protocolName(port.protocol));
    if (port.port) {
        if (const auto* number = std::get_if<std::uint16_t>(&*port.port))
            out += ", port = " + std::to_string(*number);
        else
            out += ", port = " + quoted(std::get<std::string>(*port.port));
    }
    if (port.endPort) out += ", endPort = " + std::to_string(*port.endPort);
    return out + " }";
}

std::string rulesToml(const std::vector<state::PolicyRule>& rules, const char* peersKey) {
    std::string out = "[";
    const char* sep = "";
    for (const auto& rule : rules) {
        out += std::string(sep) + "{ " + peersKey + " = [";
        for (std::size_t i = 0; i < rule.peers.size(); ++i) out += (i ? ", " : "") + peerToml(rule.peers[i]);
        out += "], ports = [";
        for (std::size_t i = 0; i < rule.ports.size(); ++i) out += (i ? ", " : "") + portToml(rule.ports[i]);
        out += "] }";
        sep = ", ";
    }
    return out + "]";
}

void appendPod(std::string& out, const state::Pod& pod) {
    out += "\n[[pods]]\nnamespace = " + quoted(pod.namespace_) + "\nname = " + quoted(pod.name) +
           "\nnodeName = " + quoted(pod.nodeName) + "\npodIPs = [";
    for (std::size_t i = 0; i < pod.podIPs.size(); ++i) out += (i ? ", " : "") + quoted(pod.podIPs[i].toString());
    out += "]\nlabels = " + labelsToml(pod.labels) + "\nports = [";
    for (std::size_t i = 0; i < pod.ports.size(); ++i)
        out += (i ? ", " : "") + std::string("{ name = ") + quoted(pod.ports[i].name) +
               ", containerPort = " + std::to_string(pod.ports[i].containerPort) +
               ", protocol = " + quoted(protocolName(pod.ports[i].protocol)) + " }";
    out += "]\n";
    if (pod.interface) out += "interface = " + quoted(*pod.interface) + "\n";
}

void appendPolicy(std::string& out, const state::NetworkPolicy& p) {
    out += "\n[[networkPolicies]]\nnamespace = " + quoted(p.namespace_) + "\nname = " + quoted(p.name) +
           "\npodSelector = " + selectorToml(p.podSelector) + "\npolicyTypes = [";
    for (std::size_t i = 0; i < p.policyTypes.size(); ++i)
        out += (i ? ", " : "") + quoted(p.policyTypes[i] == state::PolicyType::Ingress ? "Ingress" : "Egress");
    out += "]\n";
    if (!p.ingress.empty()) out += "ingress = " + rulesToml(p.ingress, "from") + "\n";
    if (!p.egress.empty()) out += "egress = " + rulesToml(p.egress, "to") + "\n";
}

std::string header(const state::Model& model) {
    return "# Generated by bench/policy/policy_snapshot (deterministic); do not edit.\nformat = 1\nnode = " +
           quoted(model.node) + "\n";
}

void appendNamespace(std::string& out, const state::Namespace& ns) {
    out += "\n[[namespaces]]\nname = " + quoted(ns.name) + "\nlabels = " + labelsToml(ns.labels) + "\n";
}

}  // namespace

std::string namespaceFileName(const std::string& namespace_) { return namespace_ + ".toml"; }

std::string renderPolicyNodeFile(const state::Model& model) {
    std::string out = header(model);
    for (const auto& node : model.nodes) {
        out += "\n[[nodes]]\nname = " + quoted(node.name) + "\naddresses = [";
        for (std::size_t i = 0; i < node.addresses.size(); ++i)
            out += (i ? ", " : "") + quoted(node.addresses[i].toString());
        out += "]\n";
    }
    return out;
}

std::string renderNamespaceFile(const state::Model& model, const std::string& namespace_) {
    std::string out = header(model);
    for (const auto& ns : model.namespaces)
        if (ns.name == namespace_) appendNamespace(out, ns);
    for (const auto& pod : model.pods)
        if (pod.namespace_ == namespace_) appendPod(out, pod);
    for (const auto& p : model.networkPolicies)
        if (p.namespace_ == namespace_) appendPolicy(out, p);
    return out;
}

Status writePolicySnapshot(const state::Model& model, const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::fromErrno(ec.value(), "Failed to create '" + dir + "'");
    // One pass over the objects, grouped by namespace, in the model's order.
    std::map<std::string, std::string> files;
    for (const auto& ns : model.namespaces) appendNamespace(files[ns.name], ns);
    for (const auto& pod : model.pods) appendPod(files[pod.namespace_], pod);
    for (const auto& p : model.networkPolicies) appendPolicy(files[p.namespace_], p);
    auto write = [&](const std::string& path, const std::string& text) -> Status {
        if (auto st = stageSnapshot(path, text); !st) return st;
        return commitSnapshot(path);
    };
    if (auto st = write(dir + "/" + kPolicyNodeFile, renderPolicyNodeFile(model)); !st) return st;
    for (const auto& [ns, body] : files)
        if (auto st = write(dir + "/" + namespaceFileName(ns), header(model) + body); !st) return st;
    return {};
}

}  // namespace nodeplane::bench
