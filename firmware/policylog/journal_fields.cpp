#include "policylog/journal_fields.h"

#include <syslog.h>

namespace nodeplane::policylog {
namespace {

void addPeer(std::vector<std::string>& fields, std::string_view side, const observe::Peer& peer) {
    const std::string prefix = "NODEPLANE_POLICY_" + std::string(side) + "_";
    switch (peer.kind) {
        case observe::Peer::Kind::Pod:
            fields.push_back(prefix + "POD=" + peer.podName);
            fields.push_back(prefix + "NAMESPACE=" + peer.podNamespace);
            if (!peer.workloadKind.empty()) fields.push_back(prefix + "WORKLOAD_KIND=" + peer.workloadKind);
            if (!peer.workloadName.empty()) fields.push_back(prefix + "WORKLOAD_NAME=" + peer.workloadName);
            break;
        case observe::Peer::Kind::Node:
            fields.push_back(prefix + "NODE=" + peer.nodeName);
            fields.push_back(prefix + "WORKLOAD_KIND=Node");
            break;
        case observe::Peer::Kind::Other:
            fields.push_back(prefix + "INSTANCE=" + peer.address.toString());
            break;
    }
}

}  // namespace

std::vector<std::string> journalFields(const PolicyRecord& record, std::string_view json) {
    const observe::FlowEvent& event = record.flow.event;
    std::vector<std::string> fields;
    fields.reserve(24);
    fields.push_back("MESSAGE=" + std::string(json));
    // Allows are routine; a denial is what an operator looks for.
    fields.push_back("PRIORITY=" + std::to_string(event.allowed ? LOG_INFO : LOG_NOTICE));
    fields.push_back("SYSLOG_IDENTIFIER=" + std::string(kSyslogIdentifier));
    if (!record.nodeName.empty()) fields.push_back("NODEPLANE_NODE=" + record.nodeName);
    fields.push_back(std::string("NODEPLANE_POLICY_DISPOSITION=") + (event.allowed ? "allow" : "deny"));
    fields.push_back("NODEPLANE_POLICY_DIRECTION=" + std::string(directionName(event.direction)));
    fields.push_back("NODEPLANE_POLICY_PROTOCOL=" + protocolName(event.protocol));
    fields.push_back("NODEPLANE_POLICY_SRC_IP=" + event.src.toString());
    if (protocolHasPorts(event.protocol)) fields.push_back("NODEPLANE_POLICY_SRC_PORT=" + std::to_string(event.srcPort));
    fields.push_back("NODEPLANE_POLICY_DEST_IP=" + event.dst.toString());
    if (protocolHasPorts(event.protocol))
        fields.push_back("NODEPLANE_POLICY_DEST_PORT=" + std::to_string(event.dstPort));
    fields.push_back("NODEPLANE_POLICY_COUNT=" + std::to_string(record.count));
    addPeer(fields, "SRC", record.flow.src);
    addPeer(fields, "DEST", record.flow.dst);
    if (event.allowed) {
        // One field per policy (the journal keeps repeated fields), as
        // "namespace/name" or "name" for cluster-scoped kinds.
        for (const auto& policy : record.flow.policies)
            fields.push_back("NODEPLANE_POLICY_NAME=" +
                             (policy.namespace_.empty() ? policy.name : policy.namespace_ + "/" + policy.name));
    }
    return fields;
}

}  // namespace nodeplane::policylog
