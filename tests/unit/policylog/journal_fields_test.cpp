// The journal entry of a record: the JSON as MESSAGE, the daemon's
// identifier, and the connection as NODEPLANE_POLICY_* fields.
#include <CppUTest/TestHarness.h>

#include <algorithm>

#include "flows.h"
#include "policylog/journal_fields.h"
#include "policylog/policy_record.h"

using namespace policylog_test;
using nodeplane::policylog::journalFields;
using nodeplane::policylog::PolicyRecord;
using nodeplane::policylog::recordJson;

namespace {

std::string joined(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& field : fields) out += field + "\n";
    return out;
}

}  // namespace

TEST_GROUP(JournalFields){};

TEST(JournalFields, AllowBetweenPods) {
    EnrichedFlow flow = allowedByNp();
    flow.policies.push_back(PolicyRef{"cluster-wide", "", "AdminNetworkPolicy"});
    PolicyRecord record{flow, 1, "node-a"};
    const std::string json = recordJson(record);
    STRCMP_EQUAL(("MESSAGE=" + json +
                  "\n"
                  "PRIORITY=6\n"
                  "SYSLOG_IDENTIFIER=nodeplaned\n"
                  "NODEPLANE_NODE=node-a\n"
                  "NODEPLANE_POLICY_DISPOSITION=allow\n"
                  "NODEPLANE_POLICY_DIRECTION=ingress\n"
                  "NODEPLANE_POLICY_PROTOCOL=tcp\n"
                  "NODEPLANE_POLICY_SRC_IP=10.84.1.7\n"
                  "NODEPLANE_POLICY_SRC_PORT=55644\n"
                  "NODEPLANE_POLICY_DEST_IP=10.84.0.11\n"
                  "NODEPLANE_POLICY_DEST_PORT=8080\n"
                  "NODEPLANE_POLICY_COUNT=1\n"
                  "NODEPLANE_POLICY_SRC_POD=client-7b78d7c957-zkn54\n"
                  "NODEPLANE_POLICY_SRC_NAMESPACE=default\n"
                  "NODEPLANE_POLICY_SRC_WORKLOAD_KIND=ReplicaSet\n"
                  "NODEPLANE_POLICY_SRC_WORKLOAD_NAME=client-7b78d7c957\n"
                  "NODEPLANE_POLICY_DEST_POD=web-745c798fc9-hzpxt\n"
                  "NODEPLANE_POLICY_DEST_NAMESPACE=shop\n"
                  "NODEPLANE_POLICY_DEST_WORKLOAD_KIND=Deployment\n"
                  "NODEPLANE_POLICY_DEST_WORKLOAD_NAME=web\n"
                  "NODEPLANE_POLICY_NAME=shop/allow-client\n"
                  "NODEPLANE_POLICY_NAME=cluster-wide\n")
                     .c_str(),
                 joined(journalFields(record, json)).c_str());
}

TEST(JournalFields, DenialOfNodeToOtherIsANotice) {
    EnrichedFlow flow = verdict(false, node("10.128.0.9", "node-b"), 1, other("198.51.100.7"), 22,
                                PolicyDirection::Egress);
    flow.event.protocol = IPPROTO_ICMP;
    PolicyRecord record{flow, 3, ""};
    STRCMP_EQUAL(
        "MESSAGE={}\n"
        "PRIORITY=5\n"
        "SYSLOG_IDENTIFIER=nodeplaned\n"
        "NODEPLANE_POLICY_DISPOSITION=deny\n"
        "NODEPLANE_POLICY_DIRECTION=egress\n"
        "NODEPLANE_POLICY_PROTOCOL=icmp\n"
        "NODEPLANE_POLICY_SRC_IP=10.128.0.9\n"
        "NODEPLANE_POLICY_DEST_IP=198.51.100.7\n"
        "NODEPLANE_POLICY_COUNT=3\n"
        "NODEPLANE_POLICY_SRC_NODE=node-b\n"
        "NODEPLANE_POLICY_SRC_WORKLOAD_KIND=Node\n"
        "NODEPLANE_POLICY_DEST_INSTANCE=198.51.100.7\n",
        joined(journalFields(record, "{}")).c_str());
}
